// Black-box: the API process is killed (SIGKILL) in the middle of a load run on PostgreSQL and
// started again. Every call that got a success response must have its usage event, and no
// call may have two.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ModelmarketClient } from "@modelmarket/api-client";
import { maskEmbeddingModel } from "@modelmarket/onnx";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `mm_crash_${Date.now()}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-crash-"));
const secret = crypto.randomBytes(32).toString("hex");
let databaseUrl = "";
let apiPort = 0;
let tierPort = 0;
let api: ChildProcess | undefined;
let tier: ChildProcess | undefined;
let postgresReachable = true;

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
}

function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    PORT: String(apiPort),
    INFERENCE_PORT: String(tierPort),
    INFERENCE_URL: `http://127.0.0.1:${tierPort}`,
    INFERENCE_SHARED_SECRET: secret,
    INFERENCE_RATE_LIMITS: "off",
    SEED_DEMO: "false",
    BILLING_CLOSE_INTERVAL_MS: "0",
    LOG_LEVEL: "warn",
  };
}

async function startApi(): Promise<void> {
  api = spawn(process.execPath, [path.join(root, "apps", "api", "dist", "main.js")], {
    cwd: root,
    env: env(),
    stdio: "ignore",
  });
  await waitFor(`http://127.0.0.1:${apiPort}/health/ready`, api);
}

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    if (process.env.CI === "true") throw error;
    postgresReachable = false;
    return;
  }
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  databaseUrl = url.toString();
  const migrate = spawnSync(path.join(root, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`migrate deploy failed: ${migrate.stderr}`);
  apiPort = await freePort();
  tierPort = await freePort();
  tier = spawn(process.execPath, [path.join(root, "apps", "inference", "dist", "main.js")], {
    cwd: root,
    env: env(),
    stdio: "ignore",
  });
  await waitFor(`http://127.0.0.1:${tierPort}/v2/health/ready`, tier);
  await startApi();
}, 120_000);

afterAll(async () => {
  api?.kill("SIGKILL");
  tier?.kill("SIGTERM");
  if (databaseUrl) {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("metering survives a crash", () => {
  it("happy: SIGKILL of the API under load loses no usage event of a successful call and duplicates none", async (ctx) => {
    if (!postgresReachable) return ctx.skip();
    const anon = new ModelmarketClient(`http://127.0.0.1:${apiPort}`);
    const signUp = async (name: string) =>
      anon.withToken(
        (
          await anon.request<{ signUp: { token: string } }>(
            `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`,
            {
              i: { email: `${name}-${Date.now()}@example.com`, password: "granite-lantern-orbit-7", tenantName: name },
            },
          )
        ).signUp.token,
      );
    const publisher = await signUp("crashpub");
    const model = maskEmbeddingModel();
    const upload = async (bytes: Uint8Array, kind: "model" | "asset") =>
      (await publisher.uploadArtifact(bytes, { kind })).body.id as string;
    const published = await publisher.request<{ publishModel: { slug: string; plans: { id: string }[] } }>(
      `mutation($i: PublishModelInput!) { publishModel(input: $i) { slug plans { id } } }`,
      {
        i: {
          name: "crash embedder",
          description: "Embeds masks",
          task: "TEXT_EMBEDDING",
          artifactId: await upload(model, "model"),
          version: "1.0.0",
          assets: {
            vocab: await upload(Buffer.from("[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello"), "asset"),
            preprocessing: await upload(Buffer.from(JSON.stringify({ tokenizer: "wordpiece" })), "asset"),
          },
          plans: [
            {
              name: "Big",
              monthlyFeeCents: 0,
              includedUnits: 1_000_000,
              unitPriceMicros: 0,
              rateLimitPerMinute: 100_000,
            },
          ],
        },
      },
    );
    const consumer = await signUp("crashuser");
    await consumer.request(`mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`, {
      m: published.publishModel.slug,
      p: published.publishModel.plans[0]?.id,
    });
    const key = (
      await consumer.request<{ createApiKey: { secret: string } }>(`mutation { createApiKey(name: "k") { secret } }`)
    ).createApiKey.secret;
    const caller = anon.withToken(key);

    const succeeded: string[] = [];
    let stop = false;
    const loop = async () => {
      while (!stop) {
        try {
          const { body } = await caller.raw(
            `mutation($m: String!) { embedText(model: $m, inputs: ["hello"]) { values } }`,
            {
              m: published.publishModel.slug,
            },
          );
          if (!body.errors) succeeded.push((body.extensions as { requestId: string }).requestId);
        } catch {
          return; // connection refused or reset: the API is gone
        }
      }
    };
    const loops = Array.from({ length: 8 }, loop);
    while (succeeded.length < 150) await new Promise((r) => setTimeout(r, 20));
    api?.kill("SIGKILL");
    await Promise.all(loops);
    stop = true;
    await startApi();
    // After the restart the product serves again.
    const again = await caller.raw(`mutation($m: String!) { embedText(model: $m, inputs: ["hello"]) { values } }`, {
      m: published.publishModel.slug,
    });
    expect(again.body.errors).toBeUndefined();

    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    const { rows } = await check.query<{ requestId: string }>(
      `SELECT "requestId" FROM "UsageEvent" WHERE outcome = 'SUCCESS'`,
    );
    await check.end();
    const recorded = rows.map((r) => r.requestId);
    expect(new Set(recorded).size).toBe(recorded.length);
    const missing = succeeded.filter((id) => !recorded.includes(id));
    expect(missing).toEqual([]);
    expect(succeeded.length).toBeGreaterThanOrEqual(150);
  }, 120_000);
});
