// Starting and stopping the product for the benchmark: `scripts/start.mjs` (what `npm start`
// runs after building) in production mode, on a throwaway data folder.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

export const secrets = {
  SESSION_SECRET: crypto.randomBytes(32).toString("hex"),
  INFERENCE_SHARED_SECRET: crypto.randomBytes(32).toString("hex"),
};

/** Starts the product and resolves once its banner is printed; `extraEnv` varies a run. */
export async function startProduct(port, dataDir, extraEnv = {}) {
  const inferencePort = await freePort();
  const webPort = await freePort();
  const child = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      INFERENCE_PORT: String(inferencePort),
      WEB_PORT: String(webPort),
      DATA_DIR: dataDir,
      DATABASE_URL: process.env.BENCH_DATABASE_URL ?? "",
      LOG_LEVEL: "warn",
      // Measured as deployed: production mode (graphql-js drops its development checks).
      NODE_ENV: "production",
      // Plans allow 60–1200 calls a minute; the bench measures the product past that.
      INFERENCE_RATE_LIMITS: "off",
      ...secrets,
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const deadline = Date.now() + 300_000;
  while (!out.includes("Modelmarket is running")) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  child.inferenceUrl = `http://127.0.0.1:${inferencePort}`;
  child.webUrl = `http://127.0.0.1:${webPort}`;
  return child;
}

export async function stopProduct(child) {
  child.kill("SIGTERM");
  await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
}

export function summary(result) {
  return {
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Where calls' time goes, the `p`th percentile of each phase over a series of calls (the
 * API's and the tier's Server-Timing headers): request → admitted, the API → tier hop, the
 * tier's queue, the tier → worker hop, the model's compute, the durable write's wait after the
 * model, respond.
 */
export function phaseTable(timings, clientMs, p) {
  const at = (f) => round2(percentile(timings.map(f), p));
  return {
    client: round2(percentile(clientMs, p)),
    admit: at((t) => t.admit),
    graphql: at((t) => t.graphql),
    prepare: at((t) => t.admit - t.graphql),
    apiToTier: at((t) => t["tier-call"] - t.tier),
    tierQueue: at((t) => t["tier-queue"]),
    tierToWorker: at((t) => t["tier-worker"] - t["tier-compute"]),
    compute: at((t) => t["tier-compute"]),
    tierOther: at((t) => t.tier - t["tier-queue"] - t["tier-worker"]),
    decode: at((t) => t.model - t["tier-call"]),
    commit: at((t) => t.commit ?? 0),
    respond: at((t) => t.total - t.admit - t.model - (t.commit ?? 0)),
    outsideApi: round2(
      percentile(
        timings.map((t, i) => clientMs[i] - t.total),
        p,
      ),
    ),
  };
}

export function round2(v) {
  return Number(v.toFixed(2));
}
