// Real processes for black-box tests: a fresh PostgreSQL database, the API and the inference
// tier started from their built entry points (dist/), on free ports.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import net from "node:net";
import path from "node:path";
import pg from "pg";

export const ROOT = path.resolve(__dirname, "..", "..");
export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Whether a TCP service answers (PostgreSQL, Redis); tests skip locally and fail under CI without it. */
export function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port), timeout: 2000 });
    socket.once("connect", () => resolve(Boolean(socket.end())));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => resolve(Boolean(socket.destroy()) && false));
  });
}

export async function waitFor(url: string, child: ChildProcess, init?: RequestInit): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    try {
      if ((await fetch(url, init)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, migrated PostgreSQL database (dropped by drop()). */
export async function createMigratedDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const migrate = spawnSync(path.join(ROOT, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url.toString() },
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`migrate deploy failed: ${migrate.stderr}`);
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export type App = "api" | "inference";

/** Starts apps/<app>/dist/main.js and waits until it is ready. */
export async function startApp(app: App, env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, "apps", app, "dist", "main.js")], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const ready = app === "api" ? "/health/ready" : "/v2/health/ready";
  await waitFor(`http://127.0.0.1:${port}${ready}`, child);
  return child;
}

/** Runs a built CLI of the API (apps/api/dist/cli/<name>.js) to completion. */
export function runApiCli(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "apps", "api", "dist", "cli", `${name}.js`), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
  });
}
