import type { FairScheduler, Slot } from "./fair-scheduler";
import type { FinishReason } from "./generation/decode-loop";
import { InferenceError } from "./inference-error";
import type { InferenceMetrics } from "./metrics";
import type { GenerationParams, WorkerReply, WorkerRequest } from "./worker";

/** How a generation ended: as the loop said, or stopped by its deadline. */
export interface GenerationOutcome {
  reason: FinishReason | "timeout";
  promptTokens: number;
  completionTokens: number;
}

/** A generation in flight: its tokens arrive through onToken; `cancel` stops it at the next step. */
export interface Generation {
  done: Promise<GenerationOutcome>;
  cancel(): void;
}

type GenerationJob = {
  onToken: (token: number) => void;
  resolve: (outcome: GenerationOutcome) => void;
  reject: (error: InferenceError) => void;
  timer: NodeJS.Timeout;
  timedOut: boolean;
  weight: number;
};

/** What TenantGenerations needs of the TenantWorker that owns it. */
export interface GenerationHost {
  tenantId: string;
  metrics: InferenceMetrics;
  scheduler: FairScheduler;
  /** To the worker process, if one runs. */
  send(request: WorkerRequest): void;
  nextId(): number;
  /** The number of generations changed (the queue depth metric). */
  changed(): void;
}

/**
 * The generations of one tenant's worker process: each streams its tokens back, ends with its
 * usage, and is cancelled at its next step by the caller or its deadline; each decode step of
 * the worker's loop runs under a compute slot from the fair scheduler (permit / permit-granted /
 * permit-release), kept from step to step until the scheduler wants it for another tenant
 * (permit-revoke after the fair slice) or the loop has nothing to decode.
 */
export class TenantGenerations {
  private readonly jobs = new Map<number, GenerationJob>();
  /** Compute slots held by the worker's decode steps, by permit. */
  private readonly permitSlots = new Map<number, Slot>();

  constructor(private readonly host: GenerationHost) {}

  get size(): number {
    return this.jobs.size;
  }

  /**
   * Starts a generation in the worker's decode loop of the model (continuous batching with this
   * tenant's other generations of it). Each decode step takes a compute slot from the fair
   * scheduler, so generations take turns with other tenants' work step by step. The deadline
   * or `cancel` stops it at the next step; the tokens produced so far stay produced.
   */
  start(
    work: GenerationParams & { modelPath: string },
    options: { model: string; deadlineMs: number; weight?: number },
    onToken: (token: number) => void,
  ): Generation {
    const id = this.host.nextId();
    const done = new Promise<GenerationOutcome>((resolve, reject) => {
      const job: GenerationJob = {
        onToken,
        resolve,
        reject,
        timedOut: false,
        weight: options.weight ?? 1,
        timer: setTimeout(() => {
          job.timedOut = true;
          this.host.send({ type: "cancel", id });
        }, options.deadlineMs),
      };
      this.jobs.set(id, job);
    });
    this.host.send({ type: "generate", id, ...work });
    return {
      done,
      cancel: () => {
        if (this.jobs.has(id)) this.host.send({ type: "cancel", id });
      },
    };
  }

  private token(id: number, token: number): void {
    const job = this.jobs.get(id);
    if (!job) return;
    this.host.metrics.generatedTokens.inc({ tenant: this.host.tenantId });
    job.onToken(token);
  }

  /** A message of the worker's generation side; false when it is not one. */
  onReply(reply: WorkerReply): boolean {
    if (reply.type === "permit") {
      const last = [...this.jobs.values()].at(-1);
      this.host.scheduler.acquire(
        this.host.tenantId,
        last?.weight ?? 1,
        (slot) => {
          if (!this.jobs.size) {
            // The process is gone (failAll): nobody will run this step.
            slot.release();
            return;
          }
          slot.computing();
          this.permitSlots.set(reply.permit, slot);
          this.host.send({ type: "permit-granted", permit: reply.permit });
        },
        // Held from step to step as a lease: past the fair slice while others wait, the worker is
        // asked to give it back after its step in flight (a step is never cut).
        () => this.host.send({ type: "permit-revoke", permit: reply.permit }),
      );
      return true;
    }
    if (reply.type === "permit-release") {
      this.permitSlots.get(reply.permit)?.release();
      this.permitSlots.delete(reply.permit);
      return true;
    }
    if (reply.type === "tokens") {
      for (const [id, token] of reply.tokens) this.token(id, token);
      return true;
    }
    if (!("id" in reply)) return false;
    const job = this.jobs.get(reply.id);
    if (!job) return false;
    const { metrics, tenantId } = this.host;
    if (reply.type === "token") {
      this.token(reply.id, reply.token);
      return true;
    }
    this.jobs.delete(reply.id);
    clearTimeout(job.timer);
    this.host.changed();
    if (reply.type === "generated") {
      const reason = job.timedOut && reply.reason === "cancelled" ? "timeout" : reply.reason;
      metrics.generations.inc({ tenant: tenantId, reason });
      job.resolve({
        reason,
        promptTokens: reply.promptTokens,
        completionTokens: reply.completionTokens,
      });
    } else if (reply.type === "error") {
      metrics.generations.inc({ tenant: tenantId, reason: "error" });
      job.reject(
        reply.badInput
          ? new InferenceError(400, "BAD_USER_INPUT", reply.message)
          : new InferenceError(502, "MODEL_ERROR", `The model failed while generating (${reply.message}).`),
      );
    }
    return true;
  }

  /** The process is gone: its generations fail, its decode steps' slots go back. */
  failAll(): void {
    for (const [id, job] of this.jobs) {
      clearTimeout(job.timer);
      job.reject(new InferenceError(503, "UNAVAILABLE", "The model's worker stopped while generating; retry.", 1_000));
      this.jobs.delete(id);
    }
    this.host.changed();
    for (const slot of this.permitSlots.values()) slot.release();
    this.permitSlots.clear();
  }
}
