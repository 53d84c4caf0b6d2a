import { describe, expect, it } from "vitest";
import { TenantAdmission } from "./tenant-admission";

const tick = () => new Promise((r) => setImmediate(r));

describe("tenant admission", () => {
  it("happy: a tenant flooding past its share waits behind its own calls; another tenant starts at once", async () => {
    const admission = new TenantAdmission(4, 2, 5_000, 100);
    const flood = await Promise.all([admission.acquire("b"), admission.acquire("b")]);
    let queued = 0;
    const waiting = Array.from({ length: 5 }, () =>
      admission.acquire("b").then((release) => {
        queued++;
        return release;
      }),
    );
    await tick();
    expect(queued).toBe(0);
    // The other tenant is not behind the five queued calls.
    const other = await admission.acquire("a");
    expect(admission.stats()).toEqual({ running: 3, waiting: 5, tenantsWaiting: 1 });
    flood[0]?.();
    await tick();
    expect(queued).toBe(1);
    other();
    for (const release of flood) release();
    for (const p of waiting) (await p)();
    expect(admission.stats()).toEqual({ running: 0, waiting: 0, tenantsWaiting: 0 });
  });

  it("happy: with every place taken, freed places go to waiting tenants in turn, not first come first served", async () => {
    const admission = new TenantAdmission(2, 2, 5_000, 100);
    const held = [await admission.acquire("b"), await admission.acquire("b")];
    const order: string[] = [];
    const calls = ["b", "b", "b", "a", "c"].map((t) =>
      admission.acquire(t).then((release) => {
        order.push(t);
        return release;
      }),
    );
    await tick();
    for (const release of held) release();
    await tick();
    // Two places free: b (first in turn) and then a, not b's second queued call.
    expect(order).toEqual(["b", "a"]);
    const releases = await Promise.all(calls.slice(0, 1).concat(calls.slice(3, 4)));
    for (const r of releases) r();
    await tick();
    expect(order).toEqual(["b", "a", "c", "b"]);
    for (const p of calls) (await p)();
  });

  it("error: a call that waits past the limit, or a tenant queueing too many, is RATE_LIMITED with a retry hint", async () => {
    const admission = new TenantAdmission(1, 1, 30, 1);
    const held = await admission.acquire("a");
    const late = admission.acquire("b");
    await expect(admission.acquire("b")).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await expect(late).rejects.toMatchObject({ code: "RATE_LIMITED", extensions: { retryAfterMs: 250 } });
    expect(admission.stats()).toEqual({ running: 1, waiting: 0, tenantsWaiting: 0 });
    held();
    // Releasing twice frees one place only.
    held();
    expect(admission.stats().running).toBe(0);
  });
});
