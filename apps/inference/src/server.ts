import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import {
  type BatchingPolicy,
  batchingPolicySchema,
  decodeBinaryBody,
  describeInferRequestProblem,
  encodeBinaryBody,
  HEADER_LENGTH,
  type InferRequest,
  inferRequestSchema,
  TIER_HEADERS,
} from "@modelmarket/kserve";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "pino";
import type { InferenceEnv } from "./env";
import { FairScheduler } from "./fair-scheduler";
import { GpuMemoryWatch, readGpuProcessMemory, tenantGpuEnv } from "./gpu";
import { InferenceError } from "./inference-error";
import { createMetrics } from "./metrics";
import { TenantWorker } from "./tenant-worker";
import { checkWireTensor, type WireTensor } from "./tensors";
import { WorkerPool } from "./worker-pool";
import { WORKER_SETTINGS_VARIABLE, type WorkerSettings } from "./worker-settings";

const MODEL_NAME = /^[0-9a-f]{64}$/;
const TENANT_ID = /^tnt_[0-9a-z]{26}$/;

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
    } satisfies WorkerSettings),
  };
  const expected = crypto.createHash("sha256").update(env.sharedSecret).digest();
  const modelPath = (name: string) => path.join(env.dataDir, "artifacts", "sha256", name.slice(0, 2), name);

  const app = express();
  app.disable("x-powered-by");
  app.get("/v2/health/live", (_req, res) => {
    res.json({ live: true });
  });
  app.get("/v2/health/ready", (_req, res) => {
    res.json({ ready: true });
  });
  app.get("/v2", (_req, res) => {
    // Extensions this server implements (the protocol's server metadata).
    res.json({ name: "modelmarket-inference", version: "1", extensions: ["binary_tensor_data"] });
  });
  const authenticated = (req: Request) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    const given = crypto.createHash("sha256").update(token).digest();
    return crypto.timingSafeEqual(given, expected);
  };
  // Metrics name tenants: scrapers send the shared secret as a bearer token (docs/security.md).
  app.get("/metrics", async (req, res, next) => {
    if (!authenticated(req)) return next(new InferenceError(401, "UNAUTHENTICATED", "Unknown caller."));
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  /** The shared secret and the tenant the call is for. */
  const callerGuard = (req: Request, _res: Response, next: NextFunction) => {
    if (!authenticated(req)) return next(new InferenceError(401, "UNAUTHENTICATED", "Unknown caller."));
    const tenant = req.headers[TIER_HEADERS.tenant];
    if (typeof tenant !== "string" || !TENANT_ID.test(tenant)) {
      return next(new InferenceError(400, "BAD_USER_INPUT", "X-Tenant-Id must be a tenant id."));
    }
    next();
  };
  /** callerGuard, then the named model (and version) exist. */
  const guard = (req: Request, res: Response, next: NextFunction) =>
    callerGuard(req, res, (error?: unknown) => (error ? next(error) : modelGuard(req, res, next)));
  const modelGuard = (req: Request, _res: Response, next: NextFunction) => {
    const name = req.params.name as string;
    if (!MODEL_NAME.test(name)) return next(new InferenceError(404, "NOT_FOUND", "Unknown model."));
    if (req.params.version !== undefined && req.params.version !== "1") {
      return next(
        new InferenceError(404, "NOT_FOUND", "Unknown model version (content-addressed models have version 1)."),
      );
    }
    if (!fs.existsSync(modelPath(name))) return next(new InferenceError(404, "NOT_FOUND", "Unknown model."));
    next();
  };

  // One worker process per tenant while it calls; idle ones stopped, at most
  // INFERENCE_MAX_WORKERS per node (worker-pool.ts).
  const pool = new WorkerPool<TenantWorker>({
    create: (tenantId) =>
      new TenantWorker({
        tenantId,
        memoryBytes: env.INFERENCE_WORKER_MEMORY_BYTES,
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

  const deadlineOf = (req: Request) => {
    const asked = Number(req.headers[TIER_HEADERS.deadlineMs]);
    return Number.isFinite(asked) && asked > 0 ? Math.min(asked, env.INFERENCE_DEADLINE_MS) : env.INFERENCE_DEADLINE_MS;
  };

  /** The named model's inputs and outputs, from the tenant's worker (which loads it if cold). */
  const modelMetadata = async (req: Request) => {
    const name = req.params.name as string;
    const reply = await submitTo(
      req.headers[TIER_HEADERS.tenant] as string,
      { type: "metadata", modelPath: modelPath(name) },
      { model: name.slice(0, 12), deadlineMs: deadlineOf(req) },
    );
    if (reply.type === "error") throw new InferenceError(422, "BAD_USER_INPUT", reply.message);
    if (reply.type !== "metadata") throw new Error("unexpected worker reply");
    return { name, inputs: reply.inputs, outputs: reply.outputs };
  };
  const metadata = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const { name, inputs, outputs } = await modelMetadata(req);
      res.json({ name, versions: ["1"], platform: "onnxruntime_onnx", inputs, outputs });
    } catch (error) {
      next(error);
    }
  };
  app.get("/v2/models/:name", guard, metadata);
  app.get("/v2/models/:name/versions/:version", guard, metadata);
  // Ready = loaded in this tenant's worker; a cold model loads on its first request.
  // The protocol answers with the status (200 ready, 4xx not): a cold model is not ready until
  // its first inference request has loaded it into the tenant's worker.
  const ready = (req: Request, res: Response) => {
    const worker = workers.get(req.headers[TIER_HEADERS.tenant] as string);
    const loaded = worker?.isWarm(modelPath(req.params.name as string)) ?? false;
    res.status(loaded ? 200 : 400).json({ name: req.params.name, ready: loaded });
  };
  app.get("/v2/models/:name/ready", guard, ready);
  app.get("/v2/models/:name/versions/:version/ready", guard, ready);

  // The model repository extension, for the calling tenant: the index lists the models loaded
  // in its worker (READY; any stored model can be loaded by name), and load warms a model ahead
  // of its first call, answering once it is loaded. Unloading is not offered: a tenant's models
  // leave its worker when the worker's session cache needs the room (INFERENCE_SESSION_CACHE_BYTES).
  app.post("/v2/repository/index", callerGuard, express.json({ limit: "4kb" }), (req, res) => {
    const worker = workers.get(req.headers[TIER_HEADERS.tenant] as string);
    const names = (worker?.warmModels() ?? []).map((file) => path.basename(file)).sort();
    res.json(names.map((name) => ({ name, version: "1", state: "READY", reason: "" })));
  });
  app.post("/v2/repository/models/:name/load", guard, async (req, res, next) => {
    try {
      await modelMetadata(req);
      res.json({});
    } catch (error) {
      next(error);
    }
  });
  app.post("/v2/repository/models/:name/unload", guard, (_req, _res, next) => {
    next(
      new InferenceError(
        400,
        "BAD_USER_INPUT",
        "Unloading is not offered: a tenant's models leave its worker when its session cache needs the room.",
      ),
    );
  });

  const infer = async (req: Request, res: Response, next: NextFunction) => {
    const tenant = req.headers[TIER_HEADERS.tenant] as string;
    const name = req.params.name as string;
    const model = name.slice(0, 12);
    try {
      const parsed = inferRequestSchema.safeParse(req.body);
      if (!parsed.success) {
        throw new InferenceError(
          400,
          "BAD_USER_INPUT",
          `Not an inference request: ${describeInferRequestProblem(parsed.error)}`,
        );
      }
      const body = parsed.data;
      let inputs: ReturnType<typeof checkWireTensor>[];
      try {
        inputs = body.inputs.map(checkWireTensor);
      } catch (error) {
        throw new InferenceError(400, "BAD_USER_INPUT", (error as Error).message);
      }
      const reply = await submitTo(
        tenant,
        { type: "infer", modelPath: modelPath(name), inputs, outputs: body.outputs?.map((o) => o.name) },
        {
          model,
          deadlineMs: deadlineOf(req),
          weight: weightOf(req),
          batching: batchingOf(body.parameters?.batching),
        },
      );
      if (reply.type === "error") {
        throw reply.badInput
          ? new InferenceError(400, "BAD_USER_INPUT", reply.message, undefined, reply.runFailed ? "run" : undefined)
          : new InferenceError(502, "MODEL_ERROR", `The model failed while running this input (${reply.message}).`);
      }
      if (reply.type !== "result") throw new Error("unexpected worker reply");
      metrics.requests.inc({ tenant, model, outcome: "ok" });
      logger.debug(
        { requestId: req.headers[TIER_HEADERS.requestId], tenant, model, computeMs: reply.computeMs },
        "infer",
      );
      sendInferResponse(res, body, { id: body.id, model_name: name, model_version: "1" }, reply.outputs);
    } catch (error) {
      const outcome = error instanceof InferenceError ? error.code : "error";
      metrics.requests.inc({ tenant, model, outcome });
      logger.info(
        { requestId: req.headers[TIER_HEADERS.requestId], tenant, model, outcome },
        "infer refused or failed",
      );
      next(error);
    }
  };
  app.post("/v2/models/:name/infer", guard, readInferBody, infer);
  app.post("/v2/models/:name/versions/:version/infer", guard, readInferBody, infer);
  // Anything else is the protocol's JSON error, not an HTML page.
  app.use((_req: Request, _res: Response, next: NextFunction) => {
    next(new InferenceError(404, "NOT_FOUND", "No such endpoint of the inference protocol."));
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof InferenceError) {
      if (error.retryAfterMs) res.setHeader("Retry-After", String(Math.ceil(error.retryAfterMs / 1000)));
      res.status(error.status).json({
        error: error.message,
        code: error.code,
        retryAfterMs: error.retryAfterMs,
        ...(error.failedIn ? { failedIn: error.failedIn } : {}),
      });
      return;
    }
    const tooLarge = (error as { type?: string })?.type === "entity.too.large";
    if (tooLarge) {
      res.status(413).json({ error: "Request body too large.", code: "PAYLOAD_TOO_LARGE" });
      return;
    }
    if ((error as { type?: string })?.type === "entity.parse.failed") {
      res.status(400).json({ error: "Body is not valid JSON.", code: "BAD_USER_INPUT" });
      return;
    }
    logger.error({ err: error }, "unexpected error");
    res.status(500).json({ error: "Internal error.", code: "INTERNAL_SERVER_ERROR" });
  });

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.INFERENCE_PORT, env.INFERENCE_HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
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
    },
  };
}

/** The tenant's scheduling weight, set by the API from the caller's plan (1 = free, at most 8). */
function weightOf(req: Request): number {
  const w = Number(req.headers[TIER_HEADERS.weight]);
  return Number.isInteger(w) && w >= 1 ? Math.min(w, 8) : 1;
}

/** The model's batching policy, sent by the API in the request's `parameters`; unusable = none. */
function batchingOf(value: unknown): BatchingPolicy | undefined {
  const parsed = batchingPolicySchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const jsonBody = express.json({ limit: "64mb", type: () => true });
const rawBody = express.raw({ limit: "64mb", type: () => true });

/**
 * The request body: JSON, or with the binary tensor extension a JSON header of
 * Inference-Header-Content-Length bytes followed by the inputs' raw bytes.
 */
function readInferBody(req: Request, res: Response, next: NextFunction): void {
  const headerLength = req.headers[HEADER_LENGTH];
  if (headerLength === undefined) {
    jsonBody(req, res, next);
    return;
  }
  rawBody(req, res, (error?: unknown) => {
    if (error) {
      next(error);
      return;
    }
    try {
      req.body = decodeBinaryBody(req.body as Buffer, Number(headerLength), "inputs");
      next();
    } catch (cause) {
      next(new InferenceError(400, "BAD_USER_INPUT", `Binary tensor request: ${(cause as Error).message}`));
    }
  });
}

/**
 * Outputs in JSON, or in binary where the request asked: `parameters.binary_data_output`
 * for all, `binary_data` on a requested output for that one.
 */
function sendInferResponse(
  res: Response,
  body: InferRequest,
  header: Record<string, unknown>,
  outputs: WireTensor[],
): void {
  const all = body.parameters?.binary_data_output === true;
  const asked = new Set((body.outputs ?? []).filter((o) => o.parameters?.binary_data === true).map((o) => o.name));
  if (!all && asked.size === 0) {
    res.json({ ...header, outputs });
    return;
  }
  const encoded = encodeBinaryBody(header, "outputs", outputs, (t) => all || asked.has(t.name));
  res.setHeader(HEADER_LENGTH, String(encoded.headerLength));
  res.type("application/octet-stream").send(encoded.body);
}
