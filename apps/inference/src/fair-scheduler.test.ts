import { describe, expect, it, vi } from "vitest";
import { FairScheduler, type Slot } from "./fair-scheduler";

/** Runs `rounds` grants on a 1-slot scheduler where every tenant always has work waiting. */
function serve(scheduler: FairScheduler, tenants: { id: string; weight: number; queued: number }[], rounds: number) {
  const served: string[] = [];
  const pending: (() => void)[] = [];
  for (const t of tenants) {
    for (let i = 0; i < t.queued; i++) {
      scheduler.acquire(t.id, t.weight, (slot) => {
        served.push(t.id);
        pending.push(() => slot.release());
      });
    }
  }
  while (served.length < rounds && pending.length) (pending.shift() as () => void)();
  return served.slice(0, rounds);
}

describe("FairScheduler", () => {
  it("happy: a tenant with 100 queued requests does not starve one with 3: they alternate", () => {
    const served = serve(
      new FairScheduler(1),
      [
        { id: "flood", weight: 1, queued: 100 },
        { id: "quiet", weight: 1, queued: 3 },
      ],
      7,
    );
    expect(served.filter((t) => t === "quiet")).toHaveLength(3);
    expect(served.indexOf("quiet")).toBeLessThanOrEqual(1);
  });

  it("happy: under contention a weight-2 (paid) tenant gets twice the slots of a weight-1 one", () => {
    const served = serve(
      new FairScheduler(1),
      [
        { id: "free", weight: 1, queued: 50 },
        { id: "paid", weight: 2, queued: 50 },
      ],
      30,
    );
    expect(served.filter((t) => t === "paid")).toHaveLength(20);
  });

  it("happy: an idle tenant banks no credit: coming back, it shares from then on instead of taking every slot", () => {
    const scheduler = new FairScheduler(1);
    // "busy" runs 20 requests alone, each releasing its slot when done.
    for (let i = 0; i < 20; i++) scheduler.acquire("busy", 1, (slot) => slot.release());
    const served = serve(
      scheduler,
      [
        { id: "busy", weight: 1, queued: 10 },
        { id: "late", weight: 1, queued: 10 },
      ],
      10,
    );
    expect(served.filter((t) => t === "late").length).toBeLessThanOrEqual(6);
    expect(served.filter((t) => t === "busy").length).toBeGreaterThanOrEqual(4);
  });

  it("happy: capacity slots are granted at once, the rest wait for a release", () => {
    const scheduler = new FairScheduler(2);
    const slots: Slot[] = [];
    for (let i = 0; i < 5; i++) scheduler.acquire("t", 1, (slot) => slots.push(slot));
    expect(slots).toHaveLength(2);
    expect(scheduler.backlog).toBe(3);
    slots[0]?.release();
    slots[0]?.release(); // a second release of the same slot frees nothing more
    expect(slots).toHaveLength(3);
    expect(scheduler.busy).toBe(2);
  });

  it("happy: a flooding tenant leaves the reserved slot free while another tenant is active, and takes it when alone", () => {
    let now = 0;
    const scheduler = new FairScheduler(4, { reservedSlots: 1, activeWindowMs: 1_000, now: () => now });
    const flood: Slot[] = [];
    for (let i = 0; i < 10; i++) scheduler.acquire("b", 1, (slot) => flood.push(slot));
    // Alone: every slot.
    expect(flood).toHaveLength(4);
    scheduler.acquire("a", 1, (slot) => slot.release());
    for (const slot of flood.splice(0, 4)) slot.release();
    // Another tenant asked within the window: the flood holds at most 3 of 4.
    expect(scheduler.busy).toBe(3);
    let victim: Slot | undefined;
    scheduler.acquire("a", 1, (slot) => {
      victim = slot;
    });
    expect(victim).toBeDefined();
    victim?.release();
    // Past the window the flood may fill every slot again.
    now += 1_500;
    flood.shift()?.release();
    expect(scheduler.busy).toBe(4);
  });

  it("security: slots are charged by time held, so a tenant whose runs take 100× longer gets ~1/100 of the turns", () => {
    let now = 0;
    const scheduler = new FairScheduler(1, { now: () => now });
    const served: string[] = [];
    const cost: Record<string, number> = { slow: 100, fast: 1 };
    const request = (tenant: string) =>
      scheduler.acquire(tenant, 1, (slot) => {
        served.push(tenant);
        queueMicrotask(() => {
          now += cost[tenant] as number;
          // As a tenant worker does: ask for the next slot, then give this one back.
          if (served.length < 200) request(tenant);
          slot.release();
        });
      });
    request("slow");
    request("fast");
    return new Promise<void>((resolve) => {
      const check = () => (served.length >= 200 ? resolve() : setTimeout(check, 1));
      check();
    }).then(() => {
      const slowTurns = served.filter((t) => t === "slow").length;
      expect(slowTurns).toBeGreaterThanOrEqual(1);
      expect(slowTurns).toBeLessThanOrEqual(4);
    });
  });

  it("security: while others wait, a run computing past the fair slice is preempted (and only then)", () => {
    vi.useFakeTimers();
    try {
      const scheduler = new FairScheduler(1, { fairSliceMs: 500 });
      const preempted: string[] = [];
      let hog: Slot | undefined;
      scheduler.acquire(
        "hog",
        1,
        (slot) => {
          hog = slot;
          slot.computing();
        },
        () => {
          preempted.push("hog");
          hog?.release();
        },
      );
      // Alone, the hog may compute as long as its deadline allows.
      vi.advanceTimersByTime(5_000);
      expect(preempted).toEqual([]);
      let victimServed = false;
      scheduler.acquire("victim", 1, (slot) => {
        victimServed = true;
        slot.release();
      });
      expect(victimServed).toBe(false);
      // The hog has computed for more than the slice already: it is stopped at once.
      vi.advanceTimersByTime(1);
      expect(preempted).toEqual(["hog"]);
      expect(victimServed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
