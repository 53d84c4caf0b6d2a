import { describe, expect, it } from "vitest";
import { createMetrics } from "./metrics";
import { WorkerPool } from "./worker-pool";

class FakeWorker {
  stopped = false;
  depth = 0;
  constructor(readonly pid: number) {}
  stop() {
    this.stopped = true;
  }
}

function pool(options: { idleMs?: number; maxWorkers?: number } = {}) {
  let now = 0;
  let pid = 100;
  const metrics = createMetrics();
  const created: Record<string, FakeWorker> = {};
  const p = new WorkerPool<FakeWorker>({
    create: (tenant) => {
      created[tenant] = new FakeWorker(pid++);
      return created[tenant];
    },
    idleMs: options.idleMs ?? 1_000,
    maxWorkers: options.maxWorkers ?? 10,
    metrics,
    now: () => now,
    residentBytes: (p) => p * 1_000_000,
  });
  return { p, created, metrics, advance: (ms: number) => (now += ms) };
}

describe("worker pool", () => {
  it("happy: a tenant keeps its worker while it calls; memory per worker is in the metrics", async () => {
    const { p, created, metrics, advance } = pool();
    const a = p.get("a");
    advance(900);
    expect(p.get("a")).toBe(a);
    advance(900);
    expect(p.reap()).toBe(0);
    expect(created.a?.stopped).toBe(false);
    const text = await metrics.registry.metrics();
    expect(text).toContain('inference_worker_memory_bytes{tenant="a"} 100000000');
    expect(text).toContain("inference_workers 1");
  });

  it("security: idle workers are stopped after idleMs; a busy one is not, however long it has run", () => {
    const { p, created, advance } = pool({ idleMs: 1_000 });
    const idle = p.get("idle");
    const busy = p.get("busy");
    busy.depth = 3;
    advance(1_001);
    expect(p.reap()).toBe(1);
    expect(created.idle?.stopped).toBe(true);
    expect(created.busy?.stopped).toBe(false);
    expect([...p.workers.keys()]).toEqual(["busy"]);
    // The stopped tenant's next call gets a new worker.
    expect(p.get("idle")).not.toBe(idle);
  });

  it("security: at the cap, a new tenant takes the place of the least recently used idle worker; with all busy it is UNAVAILABLE", () => {
    const { p, created, advance } = pool({ maxWorkers: 2 });
    p.get("a");
    advance(1);
    p.get("b");
    advance(1);
    p.get("a"); // a used again: b is now the least recently used
    p.get("c");
    expect(created.b?.stopped).toBe(true);
    expect([...p.workers.keys()].sort()).toEqual(["a", "c"]);
    (created.a as FakeWorker).depth = 1;
    (created.c as FakeWorker).depth = 1;
    expect(() => p.get("d")).toThrow(expect.objectContaining({ code: "UNAVAILABLE", status: 503 }));
    expect(p.workers.size).toBe(2);
  });
});
