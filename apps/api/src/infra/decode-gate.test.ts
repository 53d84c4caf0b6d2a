import { describe, expect, it } from "vitest";
import { DecodeGate } from "./decode-gate";

const tick = () => new Promise((r) => setImmediate(r));
const MAX = 40_000_000;

describe("decode gate", () => {
  it("happy: small images decode together, within the pixel budget", async () => {
    const gate = new DecodeGate(MAX, 5_000, 4 * MAX);
    const releases = await Promise.all(Array.from({ length: 10 }, () => gate.acquire("a", 224 * 224)));
    expect(gate.stats()).toEqual({ inFlightPixels: 10 * 224 * 224, waiting: 0, tenantsWaiting: 0 });
    for (const release of releases) release();
    expect(gate.stats().inFlightPixels).toBe(0);
  });

  it("security: a tenant's maximum-size images decode one at a time, and another tenant's image goes next, not after them", async () => {
    const gate = new DecodeGate(MAX, 5_000, 100 * MAX);
    const order: string[] = [];
    const first = await gate.acquire("flood", MAX);
    const flood = Array.from({ length: 5 }, (_, i) =>
      gate.acquire("flood", MAX).then((release) => {
        order.push(`flood${i}`);
        return release;
      }),
    );
    await tick();
    const victim = gate.acquire("victim", 1_000_000).then((release) => {
      order.push("victim");
      return release;
    });
    await tick();
    expect(order).toEqual([]);
    expect(gate.stats()).toMatchObject({ inFlightPixels: MAX, waiting: 6, tenantsWaiting: 2 });
    first();
    await tick();
    // One large image at a time: the flood's next one, then the victim's turn.
    expect(order).toEqual(["flood0"]);
    (await flood[0])?.();
    await tick();
    expect(order).toEqual(["flood0", "victim"]);
    (await victim)();
    for (const p of flood.slice(1)) {
      await tick();
      (await p)();
    }
    expect(order).toEqual(["flood0", "victim", "flood1", "flood2", "flood3", "flood4"]);
    expect(gate.stats()).toEqual({ inFlightPixels: 0, waiting: 0, tenantsWaiting: 0 });
  });

  it("error: a tenant with too many pixels waiting is refused RATE_LIMITED at once; a wait past maxWaitMs too", async () => {
    const gate = new DecodeGate(MAX, 50, 2 * MAX);
    const held = await gate.acquire("a", MAX);
    const waiting = [gate.acquire("a", MAX), gate.acquire("a", MAX)];
    await expect(gate.acquire("a", MAX)).rejects.toMatchObject({ code: "RATE_LIMITED" });
    for (const p of waiting) await expect(p).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect(gate.stats()).toEqual({ inFlightPixels: MAX, waiting: 0, tenantsWaiting: 0 });
    held();
    (await gate.acquire("a", MAX))();
  });
});
