import { describe, expect, it } from "vitest";
import { FairScheduler } from "./fair-scheduler";

/** Runs `rounds` grants on a 1-slot scheduler where every tenant always has work waiting. */
function serve(scheduler: FairScheduler, tenants: { id: string; weight: number; queued: number }[], rounds: number) {
  const served: string[] = [];
  const pending: (() => void)[] = [];
  for (const t of tenants) {
    for (let i = 0; i < t.queued; i++) {
      scheduler.acquire(t.id, t.weight, () => {
        served.push(t.id);
        pending.push(() => scheduler.release());
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
    for (let i = 0; i < 20; i++) scheduler.acquire("busy", 1, () => scheduler.release());
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
    let granted = 0;
    for (let i = 0; i < 5; i++) scheduler.acquire("t", 1, () => granted++);
    expect(granted).toBe(2);
    expect(scheduler.backlog).toBe(3);
    scheduler.release();
    expect(granted).toBe(3);
  });
});
