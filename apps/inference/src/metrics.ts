import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Prometheus metrics of the tier, by tenant and model (model = first 12 hex of its sha256). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    requests: new Counter({
      name: "inference_requests_total",
      help: "Inference requests by outcome and transport (http, or the API's Unix socket)",
      labelNames: ["tenant", "model", "outcome", "transport"],
      registers: [registry],
    }),
    queueSeconds: new Histogram({
      name: "inference_queue_seconds",
      help: "Time a request waited in its tenant's queue",
      labelNames: ["tenant", "model"],
      buckets,
      registers: [registry],
    }),
    computeSeconds: new Histogram({
      name: "inference_compute_seconds",
      help: "onnxruntime session.run time",
      labelNames: ["tenant", "model"],
      buckets,
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: "inference_batch_size",
      help: "Rows per session.run",
      labelNames: ["tenant", "model"],
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "inference_queue_depth",
      help: "Requests queued or running, per tenant",
      labelNames: ["tenant"],
      registers: [registry],
    }),
    generatedTokens: new Counter({
      name: "inference_generated_tokens_total",
      help: "Tokens generated, by tenant",
      labelNames: ["tenant"],
      registers: [registry],
    }),
    generations: new Counter({
      name: "inference_generations_total",
      help: "Generations ended, by how (stop, length, cancelled, timeout, error)",
      labelNames: ["tenant", "reason"],
      registers: [registry],
    }),
    rejections: new Counter({
      name: "inference_rejections_total",
      help: "Requests refused by backpressure or deadlines",
      labelNames: ["tenant", "reason"],
      registers: [registry],
    }),
    runsStopped: new Counter({
      name: "inference_runs_stopped_total",
      help: "Runs stopped by killing their worker: deadline passed, fair slice exceeded, or load too slow",
      labelNames: ["tenant", "reason"],
      registers: [registry],
    }),
    runs: new Counter({
      name: "inference_runs_total",
      help: "session.run calls, by the execution provider they ran on (cpu or cuda)",
      labelNames: ["tenant", "provider"],
      registers: [registry],
    }),
    gpuMemoryBytes: new Gauge({
      name: "inference_gpu_memory_bytes",
      help: "Device memory held by the tenant's worker (GPU pools; nvidia-smi)",
      labelNames: ["tenant"],
      registers: [registry],
    }),
    workers: new Gauge({
      name: "inference_workers",
      help: "Tenant worker processes alive on this node (capped by INFERENCE_MAX_WORKERS)",
      registers: [registry],
    }),
    workerMemoryBytes: new Gauge({
      name: "inference_worker_memory_bytes",
      help: "Resident memory of each tenant's worker process (from /proc)",
      labelNames: ["tenant"],
      registers: [registry],
    }),
    workersEvicted: new Counter({
      name: "inference_workers_evicted_total",
      help: "Idle tenant workers stopped: idle past INFERENCE_WORKER_IDLE_MS, or least recently used at the cap",
      labelNames: ["reason"],
      registers: [registry],
    }),
    workerRestarts: new Counter({
      name: "inference_worker_restarts_total",
      help: "Tenant worker processes that exited and were replaced",
      labelNames: ["tenant"],
      registers: [registry],
    }),
  };
}

export type InferenceMetrics = ReturnType<typeof createMetrics>;
