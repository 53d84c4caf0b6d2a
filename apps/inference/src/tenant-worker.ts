import type { Logger } from "pino";
import { type BatchingPolicy, canJoin, mergeRequests, rowsOf, splitOutputs } from "./batching";
import type { FairScheduler, Slot } from "./fair-scheduler";
import { InferenceError } from "./inference-error";
import type { InferenceMetrics } from "./metrics";
import { type Generation, TenantGenerations } from "./tenant-generations";
import type { WireTensor } from "./tensors";
import type { WorkerReply, WorkerRequest } from "./worker";
import type { WorkerCgroups } from "./worker-cgroups";
import { type StartWorkerProcess, type WorkerProcess, workerProcessStarter } from "./worker-process";

export interface TenantWorkerOptions {
  tenantId: string;
  memoryBytes: number;
  /** Niceness of the worker process (INFERENCE_WORKER_NICE). */
  nice?: number;
  queueLimit: number;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  metrics: InferenceMetrics;
  scheduler: FairScheduler;
  /** Global switch (INFERENCE_BATCHING); per-model policies come with the requests. */
  batching: boolean;
  /** Longest a model may take to load before its worker is stopped (INFERENCE_LOAD_TIMEOUT_MS). */
  loadTimeoutMs?: number;
  /** The execution provider its sessions run on (a metrics label). */
  provider?: "cpu" | "cuda";
  /** Largest batch per run: text (padded) and image requests (by execution provider). */
  maxBatchRows?: { text: number; image: number };
  /** How its worker process starts (tests give a fake one); default: worker.ts under `ulimit -v`. */
  startProcess?: StartWorkerProcess;
  /** The tenants' CPU groups (worker-cgroups.ts), where the tier may write them. */
  cgroups?: WorkerCgroups | null;
}

/** What a caller asks of the tenant's worker. */
export type WorkRequest =
  | { type: "infer"; modelPath: string; inputs: WireTensor[]; outputs?: string[] }
  | { type: "metadata"; modelPath: string };

export interface SubmitOptions {
  model: string;
  deadlineMs: number;
  /** Scheduling weight of this tenant (by plan), 1 = free. */
  weight?: number;
  batching?: BatchingPolicy;
}

/** A worker's answer, with where its time went in the tier (the infer route's Server-Timing). */
export type ServedReply = WorkerReply & {
  /** Waiting in the tenant's queue and for a compute slot, ms. */
  queueMs?: number;
  /** From the request's send to the worker process until its reply arrived (IPC + load + compute), ms. */
  workerMs?: number;
};

type Job = {
  work: WorkRequest;
  options: SubmitOptions;
  enqueuedAt: number;
  /** performance.now() at submit: the finer clock of the reply's queueMs. */
  queuedAt: number;
  resolve: (reply: ServedReply) => void;
  reject: (error: InferenceError) => void;
  timer: NodeJS.Timeout;
  settled: boolean;
  /** Run alone: its batch failed, so it must not take others down with it again. */
  solo?: boolean;
};

/** Why a worker was stopped (the `reason` of inference_runs_stopped_total). */
type StopReason = "deadline" | "preempted" | "load_timeout" | "gpu_memory";

type Running = {
  id: number;
  jobs: Job[];
  rows: number[] | null;
  model: string;
  slot: Slot;
  /** The model is loaded and the run is computing (until then a deadline only cancels it). */
  computing: boolean;
  loadTimer: NodeJS.Timeout | null;
  /** performance.now() when the request went to the worker process. */
  sentAt: number;
};

const WARMING_RETRY_MS = 2_000;

/**
 * One tenant's bounded queue in front of its worker process (worker-process.ts). The process
 * runs under its own address-space cap; if it crashes, is OOM-killed or killed, only the
 * requests it was running fail (UNAVAILABLE) and the next request starts a fresh process.
 * Other tenants have other processes and never notice. Requests wait for a compute slot from
 * the tier's fair scheduler; requests for the same model that wait together run as one batch
 * when the model's batching policy allows it; deadlines stop runs nobody waits for.
 */
export class TenantWorker {
  private child: WorkerProcess | null = null;
  private readonly startProcess: StartWorkerProcess;
  private readonly queue: Job[] = [];
  private running: Running | null = null;
  private waitingForSlot = false;
  private delayTimer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private recentComputeMs = 50;
  private crashes: number[] = [];
  /** Models this worker process has loaded (a cold one answers "warming up", not a timeout). */
  private readonly warm = new Set<string>();
  /** Models whose outputs turned out not to be splittable by rows. */
  private readonly unbatchable = new Set<string>();
  /** The generations in this tenant's worker process and their decode steps' slots. */
  private readonly generations: TenantGenerations;

  constructor(private readonly options: TenantWorkerOptions) {
    this.startProcess =
      options.startProcess ??
      workerProcessStarter({ memoryBytes: options.memoryBytes, env: options.env, nice: options.nice });
    this.generations = new TenantGenerations({
      tenantId: options.tenantId,
      metrics: options.metrics,
      scheduler: options.scheduler,
      send: (request) => this.child?.send(request),
      nextId: () => this.nextId++,
      changed: () => this.updateDepth(),
    });
  }

  /** The worker process's pid (undefined when none runs). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get tenantId(): string {
    return this.options.tenantId;
  }

  /** A request is with the worker process now (loading its model or computing). */
  get isRunning(): boolean {
    return this.running !== null;
  }

  get depth(): number {
    return this.queue.length + (this.running?.jobs.length ?? 0) + this.generations.size;
  }

  isWarm(modelPath: string): boolean {
    return this.warm.has(modelPath);
  }

  /** The models this worker has loaded (the repository index). */
  warmModels(): string[] {
    return [...this.warm];
  }

  submit(work: WorkRequest, options: SubmitOptions): Promise<ServedReply> {
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
    return new Promise<ServedReply>((resolve, reject) => {
      const job: Job = {
        work,
        options,
        enqueuedAt: Date.now(),
        queuedAt: performance.now(),
        resolve,
        reject,
        settled: false,
        timer: setTimeout(() => this.expire(job), options.deadlineMs),
      };
      this.queue.push(job);
      this.updateDepth();
      this.pump();
    });
  }

  /**
   * Starts a generation in the worker's decode loop of the model (tenant-generations.ts): the
   * queue limit counts generations too; the process is started when needed.
   */
  generate(...args: Parameters<TenantGenerations["start"]>): Generation {
    const { metrics, tenantId, queueLimit } = this.options;
    if (this.depth >= queueLimit) {
      metrics.rejections.inc({ tenant: tenantId, reason: "queue_full" });
      throw new InferenceError(
        429,
        "RATE_LIMITED",
        `This tenant has ${this.depth} requests and generations in flight (at most ${queueLimit}); retry later.`,
        1_000,
      );
    }
    if (!this.ensureChild()) {
      throw new InferenceError(503, "UNAVAILABLE", "This tenant's worker keeps crashing; retry shortly.", 5_000);
    }
    const generation = this.generations.start(...args);
    this.updateDepth();
    return generation;
  }

  stop(): void {
    if (this.delayTimer) clearTimeout(this.delayTimer);
    this.child?.kill("SIGTERM");
    this.child = null;
  }

  private expire(job: Job): void {
    const { metrics, tenantId } = this.options;
    const cold = !this.warm.has(job.work.modelPath);
    const running = this.running;
    // The last caller of a computing run: its run is stopped below, and the answer says so.
    const stopsRun =
      !!running?.computing && running.jobs.includes(job) && running.jobs.every((j) => j === job || j.settled);
    this.settle(job, () => {
      metrics.rejections.inc({ tenant: tenantId, reason: cold ? "warming_up" : "deadline" });
      job.reject(
        cold
          ? new InferenceError(
              503,
              "UNAVAILABLE",
              "The model is warming up (loading into memory); retry shortly.",
              WARMING_RETRY_MS,
            )
          : new InferenceError(
              504,
              "INFERENCE_TIMEOUT",
              `The model did not answer within ${job.options.deadlineMs} ms${stopsRun ? "; its run was stopped" : ""}.`,
            ),
      );
    });
    const index = this.queue.indexOf(job);
    if (index >= 0) this.queue.splice(index, 1);
    if (running && running === this.running && running.jobs.every((j) => j.settled)) {
      if (running.computing) {
        // Nobody waits for this run any more: stop the process doing it, so the slot and the
        // core are free at once (a run cannot be interrupted inside onnxruntime).
        this.abortRunning("deadline");
      } else {
        // Still loading the model: let the load finish (the next request finds it warm) but
        // skip the run; a load that never ends is stopped by the load timeout.
        this.child?.send({ type: "cancel", id: running.id } satisfies WorkerRequest);
      }
    }
    this.updateDepth();
  }

  /**
   * Stops the worker: it holds more device memory than the tenant's cap (GpuMemoryWatch). Its
   * running requests fail with UNAVAILABLE saying so; other tenants' workers are untouched.
   */
  stopForGpuMemory(usedBytes: number, capBytes: number): void {
    const mib = (n: number) => Math.round(n / 1024 / 1024);
    const message =
      `The model needed more GPU memory than this tenant's cap (${mib(usedBytes)} MiB of ${mib(capBytes)} MiB); ` +
      "its worker was stopped.";
    if (this.running) this.abortRunning("gpu_memory", message);
    else if (this.child) this.killWorker("gpu_memory", { usedBytes, capBytes });
  }

  /**
   * Stops the worker process in the middle of a run (deadline passed, the fair scheduler
   * took the slot back, or its GPU memory cap was passed): its jobs fail, the slot is released
   * now, and the next request starts a fresh process. Not counted as a crash: the model did no
   * wrong that a restart would hide.
   */
  private abortRunning(reason: StopReason, gpuMessage?: string): void {
    const running = this.running;
    if (!running) return;
    this.running = null;
    if (running.loadTimer) clearTimeout(running.loadTimer);
    this.killWorker(reason, { model: running.model });
    const message =
      reason === "preempted"
        ? "The model computed for longer than its fair share while other tenants waited; its run was stopped. " +
          "Send smaller inputs or fewer at a time."
        : reason === "load_timeout"
          ? "The model took too long to load; its worker was stopped."
          : "The model did not answer within its deadline; its run was stopped.";
    for (const job of running.jobs) {
      this.settle(job, () =>
        job.reject(
          reason === "gpu_memory"
            ? new InferenceError(503, "UNAVAILABLE", gpuMessage ?? message)
            : new InferenceError(504, "INFERENCE_TIMEOUT", message),
        ),
      );
    }
    this.updateDepth();
    this.pump();
    running.slot.release();
  }

  /** Kills the worker process (the next request starts a fresh one) and counts why. */
  private killWorker(reason: StopReason, details: Record<string, unknown>): void {
    const child = this.child;
    this.child = null;
    child?.detach();
    child?.kill("SIGKILL");
    this.warm.clear();
    this.generations.failAll();
    const { metrics, tenantId, logger } = this.options;
    metrics.runsStopped.inc({ tenant: tenantId, reason });
    logger.warn({ tenant: tenantId, pid: child?.pid, reason, ...details }, "run stopped; worker replaced");
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

  private policyOf(job: Job): BatchingPolicy | null {
    const policy = job.options.batching;
    if (!this.options.batching || !policy || job.solo || job.work.type !== "infer") return null;
    if (policy.maxBatchSize < 2 || this.unbatchable.has(job.work.modelPath)) return null;
    // The model's policy, within what this tier's execution provider batches (env.maxBatchRows).
    const limit = this.options.maxBatchRows?.[policy.padSequences ? "text" : "image"];
    return limit && limit < policy.maxBatchSize ? { ...policy, maxBatchSize: limit } : policy;
  }

  /** Asks the scheduler for a slot when there is work and nothing of ours is running. */
  private pump(): void {
    if (this.running || this.waitingForSlot) return;
    while (this.queue[0]?.settled) this.queue.shift();
    const head = this.queue[0];
    if (!head) return;
    const policy = this.policyOf(head);
    if (policy && policy.maxQueueDelayMs > 0) {
      // An idle queue waits a little for company, as Triton's max_queue_delay does.
      const waited = Date.now() - head.enqueuedAt;
      const { rows } = this.batchFrom(head, policy);
      if (rows < policy.maxBatchSize && waited < policy.maxQueueDelayMs) {
        if (!this.delayTimer) {
          this.delayTimer = setTimeout(() => {
            this.delayTimer = null;
            this.pump();
          }, policy.maxQueueDelayMs - waited);
        }
        return;
      }
    }
    this.waitingForSlot = true;
    this.options.scheduler.acquire(
      this.options.tenantId,
      head.options.weight ?? 1,
      (slot) => {
        this.waitingForSlot = false;
        this.runNext(slot);
      },
      () => this.abortRunning("preempted"),
    );
  }

  /** The queued jobs that can run with `head` (head first), and their rows. */
  private batchFrom(head: Job, policy: BatchingPolicy): { jobs: Job[]; rows: number } {
    const headInputs = (head.work as { inputs: WireTensor[] }).inputs;
    const jobs = [head];
    let rows = rowsOf(headInputs) ?? 1;
    for (const job of this.queue) {
      if (job === head || job.settled || job.work.type !== "infer" || job.work.modelPath !== head.work.modelPath)
        continue;
      if (this.policyOf(job) === null || !canJoin(headInputs, job.work.inputs, policy)) continue;
      const n = rowsOf(job.work.inputs) ?? 1;
      if (rows + n > policy.maxBatchSize) break;
      jobs.push(job);
      rows += n;
    }
    return { jobs, rows };
  }

  /** Holding a slot: run the head job, with the jobs that can batch with it. */
  private runNext(slot: Slot): void {
    while (this.queue[0]?.settled) this.queue.shift();
    const head = this.queue[0];
    const child = head ? this.ensureChild() : null;
    if (!head || !child) {
      slot.release();
      if (head && !child) {
        this.queue.shift();
        this.settle(head, () =>
          head.reject(
            new InferenceError(503, "UNAVAILABLE", "This tenant's worker keeps crashing; retry shortly.", 5_000),
          ),
        );
        this.pump();
      }
      return;
    }
    const policy = this.policyOf(head);
    const jobs = policy ? this.batchFrom(head, policy).jobs : [head];
    for (const job of jobs) this.queue.splice(this.queue.indexOf(job), 1);
    const id = this.nextId++;
    const now = Date.now();
    for (const job of jobs) {
      this.options.metrics.queueSeconds.observe(
        { tenant: this.options.tenantId, model: job.options.model },
        (now - job.enqueuedAt) / 1000,
      );
    }
    let request: WorkerRequest;
    let rows: number[] | null = null;
    if (jobs.length > 1 && policy) {
      const merged = mergeRequests(
        jobs.map((j) => (j.work as { inputs: WireTensor[] }).inputs),
        policy,
      );
      rows = merged.rows;
      request = { ...(head.work as Extract<WorkRequest, { type: "infer" }>), inputs: merged.inputs, id };
    } else {
      request = { ...head.work, id } as WorkerRequest;
    }
    const computing = this.warm.has(head.work.modelPath);
    if (!computing) (request as { announceLoad?: boolean }).announceLoad = true;
    const running: Running = {
      id,
      jobs,
      rows,
      model: head.options.model,
      slot,
      computing,
      loadTimer: null,
      sentAt: performance.now(),
    };
    if (computing) slot.computing();
    else {
      running.loadTimer = setTimeout(() => {
        if (this.running === running && !running.computing) this.abortRunning("load_timeout");
      }, this.options.loadTimeoutMs ?? 60_000);
    }
    this.running = running;
    child.send(request);
  }

  private ensureChild(): WorkerProcess | null {
    if (this.child) return this.child;
    const now = Date.now();
    this.crashes = this.crashes.filter((t) => now - t < 60_000);
    if (this.crashes.length >= 5) return null;
    const child: WorkerProcess = this.startProcess({
      onReply: (reply) => this.onReply(reply),
      onExit: (code, signal) => this.onExit(child, code, signal),
    });
    this.child = child;
    this.warm.clear();
    const { cgroups, tenantId, logger } = this.options;
    if (cgroups && child.pid !== undefined) {
      try {
        cgroups.place(tenantId, child.pid);
      } catch (error) {
        // Niceness still holds it below the tier; the call is served either way.
        logger.warn({ tenant: tenantId, err: error }, "tenant worker not placed in its CPU group");
      }
    }
    logger.info({ tenant: tenantId, pid: child.pid }, "tenant worker started");
    return child;
  }

  private onReply(reply: WorkerReply): void {
    if (this.generations.onReply(reply)) return;
    if (!("id" in reply)) return;
    const running = this.running;
    if (!running || running.id !== reply.id) return;
    if (reply.type === "loaded") {
      // The model is in memory: from now on the run computes, and its deadline stops it.
      running.computing = true;
      if (running.loadTimer) clearTimeout(running.loadTimer);
      this.warm.add((running.jobs[0] as Job).work.modelPath);
      running.slot.computing();
      if (running.jobs.every((j) => j.settled)) this.abortRunning("deadline");
      return;
    }
    this.running = null;
    if (running.loadTimer) clearTimeout(running.loadTimer);
    const { metrics, tenantId } = this.options;
    const head = running.jobs[0] as Job;
    if (reply.type !== "error") this.warm.add(head.work.modelPath);
    if (reply.type === "canceled") {
      this.updateDepth();
      this.pump();
      running.slot.release();
      return;
    }
    if (reply.type === "result") {
      this.recentComputeMs = 0.8 * this.recentComputeMs + 0.2 * Math.max(1, reply.computeMs);
      const labels = { tenant: tenantId, model: running.model };
      metrics.computeSeconds.observe(labels, reply.computeMs / 1000);
      metrics.runs.inc({ tenant: tenantId, provider: this.options.provider ?? "cpu" });
      metrics.batchSize.observe(labels, running.rows?.reduce((a, b) => a + b, 0) ?? rowsOfWork(head.work));
    }
    const workerMs = performance.now() - running.sentAt;
    const timed = (job: Job, served: WorkerReply): ServedReply => ({
      ...served,
      queueMs: running.sentAt - job.queuedAt,
      workerMs,
    });
    if (running.jobs.length === 1) {
      this.settle(head, () => head.resolve(timed(head, reply)));
    } else if (reply.type === "result") {
      const parts = splitOutputs(reply.outputs, running.rows as number[]);
      if (parts) {
        running.jobs.forEach((job, i) => {
          this.settle(job, () => job.resolve(timed(job, { ...reply, outputs: parts[i] as WireTensor[] })));
        });
      } else {
        // Outputs are not one row per input row: never batch this model again; rerun alone.
        this.unbatchable.add(head.work.modelPath);
        this.requeueAlone(running.jobs);
      }
    } else {
      // One bad request must not fail the others it was batched with: rerun each alone.
      this.requeueAlone(running.jobs);
    }
    this.updateDepth();
    // Queue for the next slot before giving this one back, so a backlog competes for it
    // by its fair share instead of losing it to whoever happens to be waiting.
    this.pump();
    running.slot.release();
  }

  private requeueAlone(jobs: Job[]): void {
    for (const job of jobs) job.solo = true;
    this.queue.unshift(...jobs.filter((j) => !j.settled));
  }

  private onExit(child: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void {
    this.options.cgroups?.release(this.options.tenantId);
    if (this.child !== child) return;
    this.child = null;
    this.crashes.push(Date.now());
    const { tenantId, metrics, logger } = this.options;
    metrics.workerRestarts.inc({ tenant: tenantId });
    logger.warn({ tenant: tenantId, code, signal }, "tenant worker exited; the next request starts a new one");
    this.generations.failAll();
    const running = this.running;
    this.running = null;
    if (running) {
      if (running.loadTimer) clearTimeout(running.loadTimer);
      for (const job of running.jobs) {
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
    }
    this.updateDepth();
    this.pump();
    running?.slot.release();
  }
}

function rowsOfWork(work: WorkRequest): number {
  return work.type === "infer" ? (rowsOf(work.inputs) ?? 1) : 0;
}
