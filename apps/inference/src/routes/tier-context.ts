import type { Request } from "express";
import type { Logger } from "pino";
import type { InferenceEnv } from "../env";
import type { InferenceMetrics } from "../metrics";
import type { TenantWorker } from "../tenant-worker";

/** What the tier's routes share: settings, metrics, where models are, and the tenants' workers. */
export interface TierContext {
  env: InferenceEnv;
  logger: Logger;
  metrics: InferenceMetrics;
  /** A stored model's file, by its name (the SHA-256 of the ONNX file). */
  modelPath(name: string): string;
  /** The running workers, by tenant. */
  workers: Map<string, TenantWorker>;
  /** Work for the tenant's worker (started when needed); its idle time counts from when the work ends. */
  submitTo(tenantId: string, ...args: Parameters<TenantWorker["submit"]>): ReturnType<TenantWorker["submit"]>;
  /** A generation on the tenant's worker (started when needed). */
  generateOn(tenantId: string, ...args: Parameters<TenantWorker["generate"]>): ReturnType<TenantWorker["generate"]>;
  /** The caller's deadline, within INFERENCE_DEADLINE_MS. */
  deadlineOf(req: Request): number;
}
