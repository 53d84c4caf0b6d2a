#!/usr/bin/env node
// `npm start`: migrate the database, then run every service of the product and say
// what is running where. Stops them all on Ctrl-C.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
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

function run(name, args, extraEnv = {}, cwd = root) {
  const child = spawn(process.execPath, args, { cwd, env: { ...env, ...extraEnv }, stdio: "inherit" });
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

// The portal is a Next.js production build: rebuilt only when its sources are newer than it.
const webDir = path.join(root, "apps", "web");
function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", ".next", "e2e", "test-results"].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}
const buildId = path.join(webDir, ".next", "BUILD_ID");
if (!fs.existsSync(buildId) || fs.statSync(buildId).mtimeMs < newestSource(webDir)) {
  log("building the portal (next build; cached afterwards)…");
  const build = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: webDir,
    env: { ...env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (build.status !== 0) {
    log("the portal build failed (run `npx next build` in apps/web to see why)");
    process.exit(1);
  }
}

/** A secret kept in DATA_DIR, like the API's own (apps/api: localSecret). */
function localSecret(name) {
  const dir = path.resolve(env.DATA_DIR ?? "data");
  const file = path.join(dir, name);
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(file)) {
    try {
      fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
    } catch {}
  }
  return fs.readFileSync(file, "utf8").trim();
}

/** The tier's socket: INFERENCE_SOCKET, or DATA_DIR/inference.sock; none when off or too long a path. */
function tierSocketPath() {
  if (env.INFERENCE_SOCKET === "off") return null;
  const socket = env.INFERENCE_SOCKET || path.join(path.resolve(env.DATA_DIR ?? "data"), "inference.sock");
  if (socket.length <= 100) return socket;
  log(`inference: ${socket} is too long a path for a Unix socket; the API calls the tier over HTTP`);
  return null;
}

const inferencePort = Number(env.INFERENCE_PORT ?? 4001);
const inferenceHost = env.INFERENCE_HOST ?? "127.0.0.1";
// On one machine the API calls the tier over a Unix socket in DATA_DIR (INFERENCE_SOCKET=off:
// HTTP only); a tier elsewhere (INFERENCE_URL set) is called over HTTP.
const inferenceSocket = tierSocketPath();
delete env.INFERENCE_SOCKET;
const inference = run("inference", [path.join(root, "apps", "inference", "dist", "main.js")], {
  ...(inferenceSocket ? { INFERENCE_SOCKET: inferenceSocket } : {}),
});
// The API calls the tier started here unless told otherwise.
const webPort = Number(env.WEB_PORT ?? 3000);
const webUrl = env.NEXTAUTH_URL ?? `http://localhost:${webPort}`;
const api = run("api", [path.join(root, "apps", "api", "dist", "main.js")], {
  INFERENCE_URL: env.INFERENCE_URL ?? `http://${inferenceHost}:${inferencePort}`,
  ...(inferenceSocket && !env.INFERENCE_URL ? { INFERENCE_SOCKET: inferenceSocket } : {}),
  // Invitation links point at the portal started here.
  PORTAL_URL: env.PORTAL_URL ?? webUrl,
});
function startPortal() {
  return run(
    "portal",
    [
      // The visitor's address from the socket and a body cap on next-auth's routes (docs/security.md).
      "--require",
      path.join(webDir, "server-guard.cjs"),
      path.join(root, "node_modules", "next", "dist", "bin", "next"),
      "start",
      "-p",
      String(webPort),
      "-H",
      host,
    ],
    {
      API_URL: env.API_URL ?? `http://${host}:${apiPort}`,
      PUBLIC_API_URL: env.PUBLIC_API_URL ?? `http://localhost:${apiPort}`,
      NEXTAUTH_URL: webUrl,
      NEXTAUTH_SECRET: env.NEXTAUTH_SECRET ?? localSecret("nextauth-secret"),
      // The API believes the visitor address the portal forwards only with this secret.
      PROXY_SHARED_SECRET: env.PROXY_SHARED_SECRET ?? localSecret("proxy-secret"),
      NEXT_TELEMETRY_DISABLED: "1",
      // next start reads NODE_ENV itself; a PORT meant for the API must not leak into it.
      PORT: String(webPort),
    },
    webDir,
  );
}
let web;
try {
  await waitFor(`http://${inferenceHost}:${inferencePort}/v2/health/ready`, "inference tier", inference);
  await waitFor(`http://${host}:${apiPort}/health/ready`, "API", api);
  // The portal last: once it answers, the whole product does.
  web = startPortal();
  await waitFor(`http://${host}:${webPort}/icon.svg`, "portal", web);
} catch (error) {
  log(error.message);
  await stopAll(1);
}
if (!stopping) {
  const seeded = env.SEED_DEMO !== "false" && env.SEED_DEMO !== "0";
  log("Modelmarket is running:");
  log(`  Portal        ${webUrl}`);
  log(`  GraphQL API   http://${host}:${apiPort}/graphql`);
  log(`  Upload        POST http://${host}:${apiPort}/v1/artifacts`);
  log(`  Inference     http://${inferenceHost}:${inferencePort}/v2 (KServe v2; internal, shared secret)`);
  if (inferenceSocket) log(`  API → tier    ${inferenceSocket} (Unix socket, docs/architecture.md)`);
  if (seeded) {
    log(`  Demo account  demo@modelmarket.dev / ${env.DEMO_PASSWORD ?? "demo-publisher-2026"}`);
  }
  log("Press Ctrl-C to stop.");
}
