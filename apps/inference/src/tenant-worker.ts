import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import type { Logger } from "pino";
import { InferenceError } from "./inference-error";
import type { InferenceMetrics } from "./metrics";
import type { WorkerReply, WorkerRequest } from "./worker";

export interface TenantWorkerOptions {
  tenantId: string;
  memoryBytes: number;
  queueLimit: number;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  metrics: InferenceMetrics;
}

type Job = {
  request: WorkerRequest;
  model: string;
  deadline: number;
  enqueuedAt: number;
  resolve: (reply: WorkerReply) => void;
  reject: (error: InferenceError) => void;
  timer: NodeJS.Timeout;
  settled: boolean;
};

// src/ and dist/ sit side by side: tests running the sources still start the compiled worker.
const WORKER = path.resolve(__dirname, "..", "dist", "worker.js");

/** A request before the worker assigns its id (Omit that distributes over the union). */
type NewRequest = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never;

/**
 * One tenant's worker process and its bounded queue. The process runs under its own
 * address-space cap; if it crashes, is OOM-killed or killed, only the request it was running
 * fails (UNAVAILABLE) and the next request starts a fresh process. Other tenants have other
 * processes and never notice.
 */
export class TenantWorker {
  private child: ChildProcess | null = null;
  private readonly queue: Job[] = [];
  private running: Job | null = null;
  private nextId = 1;
  private recentComputeMs = 50;
  private crashes: number[] = [];

  constructor(private readonly options: TenantWorkerOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get depth(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  submit(request: NewRequest, model: string, deadlineMs: number): Promise<WorkerReply> {
    const { metrics, tenantId, queueLimit } = this.options;
    if (this.depth >= queueLimit) {
      metrics.rejections.inc({ tenant: tenantId, reason: "queue_full" });
      // A full queue answers at once, with how long the backlog should take to drain.
      throw new InferenceError(
        429,
        "RATE_LIMITED",
        `The inference queue of this tenant is full (${queueLimit} requests); retry later.`,
        Math.max(10, Math.round(this.recentComputeMs * this.depth)),
      );
    }
    return new Promise<WorkerReply>((resolve, reject) => {
      const job: Job = {
        request: { ...request, id: this.nextId++ } as WorkerRequest,
        model,
        deadline: Date.now() + deadlineMs,
        enqueuedAt: Date.now(),
        resolve,
        reject,
        settled: false,
        timer: setTimeout(() => {
          this.settle(job, () => {
            metrics.rejections.inc({ tenant: tenantId, reason: "deadline" });
            reject(new InferenceError(504, "INFERENCE_TIMEOUT", `The model did not answer within ${deadlineMs} ms.`));
          });
          const index = this.queue.indexOf(job);
          if (index >= 0) this.queue.splice(index, 1);
          this.updateDepth();
        }, deadlineMs),
      };
      this.queue.push(job);
      this.updateDepth();
      this.pump();
    });
  }

  stop(): void {
    this.child?.kill("SIGTERM");
    this.child = null;
  }

  private settle(job: Job, action: () => void): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    action();
  }

  private updateDepth(): void {
    this.options.metrics.queueDepth.set({ tenant: this.options.tenantId }, this.depth);
  }

  /** Starts the next live job when none is running. */
  private pump(): void {
    while (!this.running) {
      const job = this.queue.shift();
      if (!job) return;
      if (job.settled) continue;
      const child = this.ensureChild();
      if (!child) {
        this.settle(job, () =>
          job.reject(
            new InferenceError(503, "UNAVAILABLE", "This tenant's worker keeps crashing; retry shortly.", 5_000),
          ),
        );
        continue;
      }
      this.running = job;
      this.options.metrics.queueSeconds.observe(
        { tenant: this.options.tenantId, model: job.model },
        (Date.now() - job.enqueuedAt) / 1000,
      );
      child.send(job.request);
    }
  }

  private ensureChild(): ChildProcess | null {
    if (this.child) return this.child;
    const now = Date.now();
    this.crashes = this.crashes.filter((t) => now - t < 60_000);
    if (this.crashes.length >= 5) return null;
    const kib = Math.floor(this.options.memoryBytes / 1024);
    // `ulimit -v` caps the worker's address space before node starts (its own memory cap).
    const child = spawn("/bin/sh", ["-c", `ulimit -v ${kib} && exec "$0" "$1"`, process.execPath, WORKER], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "advanced",
      env: this.options.env,
    });
    child.on("message", (reply: WorkerReply) => this.onReply(reply));
    child.on("exit", (code, signal) => this.onExit(child, code, signal));
    this.child = child;
    this.options.logger.info({ tenant: this.options.tenantId, pid: child.pid }, "tenant worker started");
    return child;
  }

  private onReply(reply: WorkerReply): void {
    const job = this.running;
    if (!job || job.request.id !== reply.id) return;
    this.running = null;
    if (reply.type === "result") this.recentComputeMs = 0.8 * this.recentComputeMs + 0.2 * Math.max(1, reply.computeMs);
    this.settle(job, () => job.resolve(reply));
    this.updateDepth();
    this.pump();
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.crashes.push(Date.now());
    const { tenantId, metrics, logger } = this.options;
    metrics.workerRestarts.inc({ tenant: tenantId });
    logger.warn({ tenant: tenantId, code, signal }, "tenant worker exited; the next request starts a new one");
    const job = this.running;
    this.running = null;
    if (job) {
      this.settle(job, () =>
        job.reject(
          new InferenceError(
            503,
            "UNAVAILABLE",
            "The model's worker stopped while serving this request; retry.",
            1_000,
          ),
        ),
      );
    }
    this.updateDepth();
    this.pump();
  }
}
