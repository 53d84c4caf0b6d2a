import { z } from "zod";

/**
 * What a tenant's worker process needs of the tier's configuration, validated once by the tier
 * (env.ts) and handed to each worker in one environment variable, so the worker never reads
 * or re-parses the tier's settings itself.
 */
export const workerSettingsSchema = z.object({
  threads: z.number().int().positive(),
  executionProvider: z.enum(["cpu", "cuda"]),
  sessionCacheBytes: z.number().int().positive(),
  /** Most generations of one model decoded together in one step (INFERENCE_MAX_DECODE_BATCH). */
  maxDecodeBatch: z.number().int().positive().default(16),
});

export type WorkerSettings = z.infer<typeof workerSettingsSchema>;

export const WORKER_SETTINGS_VARIABLE = "MODELMARKET_WORKER_SETTINGS";

export function workerSettingsFrom(source: NodeJS.ProcessEnv): WorkerSettings {
  const raw = source[WORKER_SETTINGS_VARIABLE];
  if (!raw) throw new Error(`${WORKER_SETTINGS_VARIABLE} is not set: workers are started by the tier`);
  return workerSettingsSchema.parse(JSON.parse(raw));
}
