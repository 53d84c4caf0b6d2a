import path from "node:path";
import { invalidEnvironment, localSecret } from "@modelmarket/domain";
import { z } from "zod";
import { type GpuSettings, parseMemoryOverrides } from "./gpu";

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    INFERENCE_PORT: z.coerce.number().int().min(0).max(65535).default(4001),
    INFERENCE_HOST: z.string().default("127.0.0.1"),
    /**
     * A Unix domain socket where the tier also serves the API's infer calls (tier-socket.ts), for
     * an API on the same machine; unset: HTTP only. `npm start` sets it to DATA_DIR/inference.sock.
     */
    INFERENCE_SOCKET: z.string().max(100, "INFERENCE_SOCKET: a Unix socket path is at most 100 characters").optional(),
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
    /**
     * Niceness of tenant worker processes (0–19): above the tier's and the API's own (0), so a
     * tenant's model computing flat out never takes the CPU that serves every tenant's requests
     * (parsing, routing, metering) — a flood's excess waits in its worker, not on the shared cores.
     */
    INFERENCE_WORKER_NICE: z.coerce.number().int().min(0).max(19).default(5),
    /**
     * Per-tenant CPU groups for worker processes (worker-cgroups.ts): `auto` uses them where the
     * tier may write its cgroup tree, `off` never does.
     */
    INFERENCE_WORKER_CGROUPS: z.enum(["auto", "off"]).default("auto"),
    /** A tenant's worker process with nothing to do for this long is stopped (worker-pool.ts). */
    INFERENCE_WORKER_IDLE_MS: z.coerce.number().int().positive().default(120_000),
    /** Most tenant worker processes alive on this node; past it the least recently used idle one goes. */
    INFERENCE_MAX_WORKERS: z.coerce.number().int().positive().default(32),
    /** session.run calls at a time across all tenants; default: cores / INFERENCE_THREADS. */
    INFERENCE_CONCURRENCY: z.coerce.number().int().positive().optional(),
    INFERENCE_BATCHING: z.enum(["on", "off"]).default("on"),
    /** Most generations of one model a tenant's worker decodes together in one step. */
    INFERENCE_MAX_DECODE_BATCH: z.coerce.number().int().positive().default(16),
    /** Longest a generation may run, from its first step to its last token. */
    INFERENCE_GENERATION_DEADLINE_MS: z.coerce.number().int().positive().default(120_000),
    INFERENCE_DEADLINE_MS: z.coerce.number().int().positive().default(10_000),
    /** While other tenants wait for compute, the longest one run may keep a slot (0 = off). */
    INFERENCE_FAIR_SLICE_MS: z.coerce.number().int().min(0).default(1_000),
    /** Slots one tenant may not fill while another tenant asked for compute in the last second. */
    INFERENCE_RESERVED_SLOTS: z.coerce.number().int().min(0).default(1),
    INFERENCE_LOAD_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
    /** GPU pools: the device (index, GPU-… or MIG-… UUID) the pool's workers see as their only one. */
    INFERENCE_GPU_DEVICE: z
      .string()
      .regex(/^(\d+|GPU-[0-9a-f-]+|MIG-[0-9a-f-]+)$/i, "an index, GPU-… or MIG-… UUID")
      .default("0"),
    /** How tenants share the device: exclusive (dedicated / MIG), mps, or time-slicing (gpu.ts). */
    INFERENCE_GPU_SHARING: z.enum(["exclusive", "mps", "time-slicing"]).default("exclusive"),
    /** Each tenant worker's device-memory cap (required when shared). */
    INFERENCE_GPU_MEMORY_BYTES: z.coerce
      .number()
      .int()
      .min(64 * 1024 * 1024)
      .optional(),
    /** Per-tenant caps, "tnt_…=2GiB,tnt_…=512MiB" (a plan's or a contract's). */
    INFERENCE_GPU_MEMORY_OVERRIDES: z.string().default(""),
    /** MPS: each worker's share of the SMs. */
    INFERENCE_GPU_COMPUTE_PERCENT: z.coerce.number().int().min(1).max(100).default(100),
    /** How often device memory per worker is checked against its cap (0 = never). */
    INFERENCE_GPU_WATCH_MS: z.coerce.number().int().min(0).default(1_000),
    /** Rows per batched session.run at most; default by provider: 32 text / 16 image on CPU, 128 / 64 on CUDA. */
    INFERENCE_MAX_BATCH_ROWS: z.coerce.number().int().min(1).max(1024).optional(),
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

export type InferenceEnv = z.infer<typeof schema> & {
  dataDir: string;
  sharedSecret: string;
  /** GPU pools only (INFERENCE_EXECUTION_PROVIDER=cuda): device, sharing, per-tenant caps. */
  gpu: GpuSettings | null;
  /** Largest batch per run, for text (padded) and image requests. */
  maxBatchRows: { text: number; image: number };
};

export function loadInferenceEnv(source: NodeJS.ProcessEnv = process.env): InferenceEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) throw invalidEnvironment(parsed.error.issues);
  const dataDir = path.resolve(parsed.data.DATA_DIR);
  const cuda = parsed.data.INFERENCE_EXECUTION_PROVIDER === "cuda";
  let overrides: Map<string, number>;
  try {
    overrides = parseMemoryOverrides(parsed.data.INFERENCE_GPU_MEMORY_OVERRIDES);
  } catch (error) {
    throw invalidEnvironment([{ path: ["INFERENCE_GPU_MEMORY_OVERRIDES"], message: (error as Error).message }]);
  }
  const rows = parsed.data.INFERENCE_MAX_BATCH_ROWS;
  return {
    ...parsed.data,
    dataDir,
    gpu: cuda
      ? {
          device: parsed.data.INFERENCE_GPU_DEVICE,
          sharing: parsed.data.INFERENCE_GPU_SHARING,
          memoryBytes: parsed.data.INFERENCE_GPU_MEMORY_BYTES ?? null,
          overrides,
          computePercent: parsed.data.INFERENCE_GPU_COMPUTE_PERCENT,
        }
      : null,
    // A GPU's throughput grows with the batch far longer than a CPU's.
    maxBatchRows: rows ? { text: rows, image: rows } : cuda ? { text: 128, image: 64 } : { text: 32, image: 16 },
    sharedSecret: parsed.data.INFERENCE_SHARED_SECRET ?? localSecret(dataDir, "inference-secret"),
  };
}
