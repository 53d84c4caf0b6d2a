import http from "node:http";
import os from "node:os";
import path from "node:path";
import express, { type Request } from "express";
import type { Logger } from "pino";
import type { InferenceEnv } from "./env";
import { FairScheduler } from "./fair-scheduler";
import { GpuMemoryWatch, readGpuProcessMemory, tenantGpuEnv } from "./gpu";
import { createMetrics } from "./metrics";
import { errorRoutes } from "./routes/errors.route";
import { generateRoutes } from "./routes/generate.route";
import { tierGuards } from "./routes/guards";
import { healthRoutes } from "./routes/health.route";
import { inferRoutes } from "./routes/infer.route";
import { modelMetadataRoutes } from "./routes/model-metadata.route";
import { repositoryRoutes } from "./routes/repository.route";
import type { TierContext } from "./routes/tier-context";
import { deadlineOf } from "./routes/tier-headers";
import { TenantWorker } from "./tenant-worker";
import { listenOnSocket } from "./tier-socket";
import { openWorkerCgroups } from "./worker-cgroups";
import { WorkerPool } from "./worker-pool";
import { WORKER_SETTINGS_VARIABLE, type WorkerSettings } from "./worker-settings";

export interface RunningInference {
  url: string;
  server: http.Server;
  workers: Map<string, TenantWorker>;
  scheduler: FairScheduler;
  close(): Promise<void>;
}

/**
 * KServe v2 / Triton HTTP protocol. A model's name is the SHA-256 of its ONNX file (the
 * API's content address), so the tier needs no database. Only the API may call it: every
 * model route needs the shared secret, and the tenant comes from the `X-Tenant-Id` header
 * the API sets — never from the body.
 */
export async function startInference(env: InferenceEnv, logger: Logger): Promise<RunningInference> {
  const metrics = createMetrics();
  // About one session.run per core at a time, shared fairly among tenants; while several
  // tenants are active, none fills the last INFERENCE_RESERVED_SLOTS.
  const scheduler = new FairScheduler(
    env.INFERENCE_CONCURRENCY ?? Math.max(1, Math.floor(os.availableParallelism() / env.INFERENCE_THREADS)),
    { fairSliceMs: env.INFERENCE_FAIR_SLICE_MS, reservedSlots: env.INFERENCE_RESERVED_SLOTS },
  );
  const workerEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    [WORKER_SETTINGS_VARIABLE]: JSON.stringify({
      threads: env.INFERENCE_THREADS,
      executionProvider: env.INFERENCE_EXECUTION_PROVIDER,
      sessionCacheBytes: env.INFERENCE_SESSION_CACHE_BYTES,
      maxDecodeBatch: env.INFERENCE_MAX_DECODE_BATCH,
    } satisfies WorkerSettings),
  };
  // Per-tenant CPU groups where this machine lets the tier make them; niceness alone otherwise.
  const opened = env.INFERENCE_WORKER_CGROUPS === "auto" ? openWorkerCgroups() : null;
  const cgroups = opened?.cgroups ?? null;
  if (opened && "why" in opened)
    logger.info({ why: opened.why }, "tenant workers run without CPU groups (niceness only)");
  else if (cgroups) logger.info({ cgroups: cgroups.description }, "tenant workers get per-tenant CPU groups");
  const modelPath = (name: string) => path.join(env.dataDir, "artifacts", "sha256", name.slice(0, 2), name);

  // One worker process per tenant while it calls; idle ones stopped, at most
  // INFERENCE_MAX_WORKERS per node (worker-pool.ts).
  const pool = new WorkerPool<TenantWorker>({
    create: (tenantId) =>
      new TenantWorker({
        tenantId,
        memoryBytes: env.INFERENCE_WORKER_MEMORY_BYTES,
        nice: env.INFERENCE_WORKER_NICE,
        cgroups,
        queueLimit: env.INFERENCE_QUEUE_LIMIT,
        logger,
        metrics,
        scheduler,
        batching: env.INFERENCE_BATCHING === "on",
        loadTimeoutMs: env.INFERENCE_LOAD_TIMEOUT_MS,
        provider: env.INFERENCE_EXECUTION_PROVIDER,
        maxBatchRows: env.maxBatchRows,
        // On a GPU pool: only the pool's device is visible, with this tenant's limits (gpu.ts).
        env: env.gpu ? { ...workerEnv, ...tenantGpuEnv(env.gpu, tenantId) } : workerEnv,
      }),
    idleMs: env.INFERENCE_WORKER_IDLE_MS,
    maxWorkers: env.INFERENCE_MAX_WORKERS,
    metrics,
  });
  pool.start(Math.min(10_000, Math.max(100, Math.floor(env.INFERENCE_WORKER_IDLE_MS / 4))));
  const workers = pool.workers;
  /** Work for the tenant's worker; its idle time counts from when the work ends. */
  const submitTo = async (tenantId: string, ...args: Parameters<TenantWorker["submit"]>) => {
    try {
      return await pool.get(tenantId).submit(...args);
    } finally {
      pool.touch(tenantId);
    }
  };

  const callDeadline = (req: Request) => deadlineOf(req, env.INFERENCE_DEADLINE_MS);

  /** A generation keeps its tenant's worker busy until it ends. */
  const generateOn = (tenantId: string, ...args: Parameters<TenantWorker["generate"]>) => {
    const generation = pool.get(tenantId).generate(...args);
    generation.done.finally(() => pool.touch(tenantId)).catch(() => {});
    return generation;
  };

  // One file per route group (routes/), sharing this context.
  const ctx: TierContext = { env, logger, metrics, modelPath, workers, submitTo, generateOn, deadlineOf: callDeadline };
  const guards = tierGuards(ctx);
  const app = express();
  app.disable("x-powered-by");
  healthRoutes(app, ctx, guards);
  modelMetadataRoutes(app, ctx, guards);
  repositoryRoutes(app, ctx, guards);
  inferRoutes(app, ctx, guards);
  generateRoutes(app, ctx, guards);
  errorRoutes(app, ctx);

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.INFERENCE_PORT, env.INFERENCE_HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // An API on the same machine calls over the Unix socket (tier-socket.ts); HTTP serves the rest.
  const socket = env.INFERENCE_SOCKET ? await listenOnSocket(ctx, guards, env.INFERENCE_SOCKET) : null;
  // GPU pools: each tenant worker's device memory, checked against its cap (gpu.ts).
  const gpuWatch = env.gpu
    ? new GpuMemoryWatch(
        env.gpu,
        () => workers.values(),
        () => readGpuProcessMemory(),
        (tenant, used) => metrics.gpuMemoryBytes.set({ tenant }, used),
      )
    : null;
  gpuWatch?.start(env.INFERENCE_GPU_WATCH_MS);
  const address = server.address();
  const url = `http://${env.INFERENCE_HOST}:${typeof address === "object" && address ? address.port : env.INFERENCE_PORT}`;
  return {
    url,
    server,
    workers,
    scheduler,
    async close() {
      gpuWatch?.stop();
      pool.stop();
      await new Promise((resolve) => server.close(resolve));
      await socket?.close();
    },
  };
}
