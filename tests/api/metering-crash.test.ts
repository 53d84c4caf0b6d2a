// Black-box: the API process is killed (SIGKILL) in the middle of a load run on PostgreSQL and
// started again. Every call that got a success response must have its usage event, and no
// call may have two.
import type { ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { maskEmbeddingModel } from "@modelmarket/onnx";
import { ModelmarketClient } from "@modelmarket/sdk";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_URL,
  createMigratedDatabase,
  freePort,
  reachable,
  startApp,
  type TestDatabase,
} from "../support/processes";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-crash-"));
const secret = crypto.randomBytes(32).toString("hex");
let database: TestDatabase | undefined;
let apiPort = 0;
let tierPort = 0;
let api: ChildProcess | undefined;
let tier: ChildProcess | undefined;
let postgresReachable = true;

function env(): NodeJS.ProcessEnv {
  return {
    DATA_DIR: dataDir,
    DATABASE_URL: database?.url,
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
  api = await startApp("api", env(), apiPort);
}

beforeAll(async () => {
  if (!(await reachable(ADMIN_URL))) {
    if (process.env.CI === "true") throw new Error(`PostgreSQL is not reachable at ${ADMIN_URL}`);
    postgresReachable = false;
    return;
  }
  database = await createMigratedDatabase("mm_crash");
  apiPort = await freePort();
  tierPort = await freePort();
  tier = await startApp("inference", env(), tierPort);
  await startApi();
}, 120_000);

afterAll(async () => {
  api?.kill("SIGKILL");
  tier?.kill("SIGTERM");
  await database?.drop();
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

    const check = new pg.Client({ connectionString: database?.url });
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
