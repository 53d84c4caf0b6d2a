import fs from "node:fs";
import { InferenceError } from "./inference-error";
import type { InferenceMetrics } from "./metrics";

/** What the pool needs of a tenant's worker (TenantWorker). */
export interface PooledWorker {
  readonly pid: number | undefined;
  /** Requests queued or running. */
  readonly depth: number;
  stop(): void;
}

export interface WorkerPoolOptions<W extends PooledWorker> {
  create(tenantId: string): W;
  /** Stopped after this long with nothing queued or running. */
  idleMs: number;
  /** Live workers on this node at most; a new tenant past it takes the place of the least recently used idle one. */
  maxWorkers: number;
  metrics: InferenceMetrics;
  now?: () => number;
  /** Resident bytes of a process (Linux /proc by default; null when unknown). */
  residentBytes?: (pid: number) => number | null;
}

/**
 * The node's tenant workers: one per tenant while it is used, none for a tenant that stopped
 * calling. Every worker process holds its runtime and sessions (~135 MB for a small model),
 * so idle ones are stopped after `idleMs`, and at most `maxWorkers` live at once: a new
 * tenant past the cap takes the place of the least recently used idle worker, or is told to
 * retry (UNAVAILABLE) when every worker is busy. A stopped tenant's next call starts a new
 * worker (cold: its first call loads the model again).
 */
export class WorkerPool<W extends PooledWorker> {
  /** Insertion order is recency: a used worker moves to the end. */
  readonly workers = new Map<string, W>();
  private readonly lastUsed = new Map<string, number>();
  private readonly now: () => number;
  private readonly residentBytes: (pid: number) => number | null;

  constructor(private readonly options: WorkerPoolOptions<W>) {
    this.now = options.now ?? Date.now;
    this.residentBytes = options.residentBytes ?? procResidentBytes;
  }

  /** The tenant's worker, started if needed; marks it used now. */
  get(tenantId: string): W {
    let worker = this.workers.get(tenantId);
    if (worker) {
      this.workers.delete(tenantId);
    } else {
      if (this.workers.size >= this.options.maxWorkers && !this.evictLeastRecentlyUsed()) {
        throw new InferenceError(
          503,
          "UNAVAILABLE",
          `This inference node runs its maximum of ${this.options.maxWorkers} tenant workers, all busy; retry shortly.`,
          1_000,
        );
      }
      worker = this.options.create(tenantId);
    }
    this.workers.set(tenantId, worker);
    this.lastUsed.set(tenantId, this.now());
    this.options.metrics.workers.set(this.workers.size);
    return worker;
  }

  /** Marks a tenant's worker used now (a request finished: idleness counts from then). */
  touch(tenantId: string): void {
    if (this.workers.has(tenantId)) this.lastUsed.set(tenantId, this.now());
  }

  /** Stops workers idle for longer than idleMs; returns how many. Also refreshes the memory gauges. */
  reap(): number {
    const cutoff = this.now() - this.options.idleMs;
    let stopped = 0;
    for (const [tenantId, worker] of this.workers) {
      if (worker.depth === 0 && (this.lastUsed.get(tenantId) ?? 0) <= cutoff) {
        this.remove(tenantId, worker, "idle");
        stopped++;
      }
    }
    this.options.metrics.workerMemoryBytes.reset();
    for (const [tenantId, worker] of this.workers) {
      const bytes = worker.pid === undefined ? null : this.residentBytes(worker.pid);
      if (bytes !== null) this.options.metrics.workerMemoryBytes.set({ tenant: tenantId }, bytes);
    }
    return stopped;
  }

  /** Reaps every `everyMs` until stop() (the timer does not keep the process alive). */
  start(everyMs: number): void {
    this.timer = setInterval(() => this.reap(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const worker of this.workers.values()) worker.stop();
  }

  private timer: NodeJS.Timeout | null = null;

  private evictLeastRecentlyUsed(): boolean {
    for (const [tenantId, worker] of this.workers) {
      if (worker.depth === 0) {
        this.remove(tenantId, worker, "capacity");
        return true;
      }
    }
    return false;
  }

  private remove(tenantId: string, worker: W, reason: "idle" | "capacity"): void {
    worker.stop();
    this.workers.delete(tenantId);
    this.lastUsed.delete(tenantId);
    this.options.metrics.workersEvicted.inc({ reason });
    this.options.metrics.workerMemoryBytes.remove({ tenant: tenantId });
    this.options.metrics.workers.set(this.workers.size);
  }
}

/** VmRSS of a process from /proc (Linux); null elsewhere or when it has gone. */
function procResidentBytes(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kib ? Number(kib) * 1024 : null;
  } catch {
    return null;
  }
}
