import path from "node:path";
import { invalidEnvironment, localSecret } from "@modelmarket/domain";
import { z } from "zod";

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    INFERENCE_PORT: z.coerce.number().int().min(0).max(65535).default(4001),
    INFERENCE_HOST: z.string().default("127.0.0.1"),
    DATA_DIR: z.string().default("data"),
    INFERENCE_SHARED_SECRET: z.string().min(32).optional(),
    INFERENCE_EXECUTION_PROVIDER: z.enum(["cpu", "cuda"]).default("cpu"),
    INFERENCE_THREADS: z.coerce.number().int().min(1).max(64).default(1),
    INFERENCE_WORKER_MEMORY_BYTES: z.coerce
      .number()
      .int()
      .min(1024 ** 3)
      .default(4 * 1024 ** 3),
    INFERENCE_SESSION_CACHE_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(1024 ** 3),
    INFERENCE_QUEUE_LIMIT: z.coerce.number().int().positive().default(64),
    /** session.run calls at a time across all tenants; default: cores / INFERENCE_THREADS. */
    INFERENCE_CONCURRENCY: z.coerce.number().int().positive().optional(),
    INFERENCE_BATCHING: z.enum(["on", "off"]).default("on"),
    INFERENCE_DEADLINE_MS: z.coerce.number().int().positive().default(10_000),
    /** While other tenants wait for compute, the longest one run may keep a slot (0 = off). */
    INFERENCE_FAIR_SLICE_MS: z.coerce.number().int().min(0).default(1_000),
    /** Slots one tenant may not fill while another tenant asked for compute in the last second. */
    INFERENCE_RESERVED_SLOTS: z.coerce.number().int().min(0).default(1),
    INFERENCE_LOAD_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && !env.INFERENCE_SHARED_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["INFERENCE_SHARED_SECRET"],
        message: "is required when NODE_ENV=production",
      });
    }
  });

export type InferenceEnv = z.infer<typeof schema> & { dataDir: string; sharedSecret: string };

export function loadInferenceEnv(source: NodeJS.ProcessEnv = process.env): InferenceEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) throw invalidEnvironment(parsed.error.issues);
  const dataDir = path.resolve(parsed.data.DATA_DIR);
  return {
    ...parsed.data,
    dataDir,
    sharedSecret: parsed.data.INFERENCE_SHARED_SECRET ?? localSecret(dataDir, "inference-secret"),
  };
}
