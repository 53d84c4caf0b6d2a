#!/usr/bin/env node
// `npm start`: migrate the database, then run every service of the product and say
// what is running where. Stops them all on Ctrl-C.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env };
const apiPort = Number(env.PORT ?? 4000);
const host = env.HOST ?? "127.0.0.1";
const children = [];

function log(message) {
  process.stdout.write(`[start] ${message}\n`);
}

/** Stops every service and exits once they all have (each closes its database cleanly). */
async function stopAll(code) {
  stopping = true;
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  const exited = running.map((child) => new Promise((resolve) => child.once("exit", resolve)));
  for (const child of running) child.kill("SIGTERM");
  await Promise.all(exited);
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

async function waitFor(url, what, child, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what} not ready after ${timeoutMs / 1000} s (${url})`);
}

function run(name, args, extraEnv = {}) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: "inherit" });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      log(`${name} stopped (${signal ?? `exit ${code}`}); stopping everything`);
      void stopAll(code || 1);
    }
  });
  children.push(child);
  return child;
}
let stopping = false;

log(
  env.DATABASE_URL
    ? "database: PostgreSQL (DATABASE_URL)"
    : `database: embedded PGlite in ${path.resolve(env.DATA_DIR ?? "data")}`,
);
const migrate = spawnSync(
  process.execPath,
  [path.join(root, "node_modules", "prisma", "build", "index.js"), "migrate", "deploy"],
  {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  },
);
if (migrate.status !== 0) {
  process.stdout.write(migrate.stdout ?? "");
  log("migrations failed");
  process.exit(1);
}
log(/No pending migrations/.test(migrate.stdout) ? "database schema up to date" : "migrations applied");

const inferencePort = Number(env.INFERENCE_PORT ?? 4001);
const inferenceHost = env.INFERENCE_HOST ?? "127.0.0.1";
const inference = run("inference", [path.join(root, "apps", "inference", "dist", "main.js")]);
// The API calls the tier started here unless told otherwise.
const api = run("api", [path.join(root, "apps", "api", "dist", "main.js")], {
  INFERENCE_URL: env.INFERENCE_URL ?? `http://${inferenceHost}:${inferencePort}`,
});
try {
  await waitFor(`http://${inferenceHost}:${inferencePort}/v2/health/ready`, "inference tier", inference);
  await waitFor(`http://${host}:${apiPort}/health/ready`, "API", api);
} catch (error) {
  log(error.message);
  await stopAll(1);
}
if (!stopping) {
  const seeded = env.SEED_DEMO !== "false" && env.SEED_DEMO !== "0";
  log("Modelmarket is running:");
  log(`  GraphQL API   http://${host}:${apiPort}/graphql`);
  log(`  Upload        POST http://${host}:${apiPort}/v1/artifacts`);
  log(`  Inference     http://${inferenceHost}:${inferencePort}/v2 (KServe v2; internal, shared secret)`);
  if (seeded) {
    log(`  Demo account  demo@modelmarket.dev / ${env.DEMO_PASSWORD ?? "demo-publisher-2026"}`);
  }
  log("Press Ctrl-C to stop.");
}
