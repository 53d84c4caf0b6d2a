import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  applyMigrationsDirectly,
  createDatabase,
  createDatabaseOnPglite,
  type Database,
  openPglite,
} from "@modelmarket/db";
import { buildCached, ZOO, type ZooModel } from "@modelmarket/model-zoo";
import { buildOnnxModel, lengthTextClassifier } from "@modelmarket/onnx";
import { CreateApiKeyDocument, ModelmarketClient, SignUpDocument, SubscribeDocument } from "@modelmarket/sdk";
import pg from "pg";
import pino from "pino";
import { loadInferenceEnv } from "../../inference/src/env";
import { startInference } from "../../inference/src/server";
import { createServices, type RunningApi, startApi } from "../src/app";
import { loadEnv } from "../src/env";
import { createLogger } from "../src/infra/logger";
import type { AppServices } from "../src/services";

const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestApi {
  url: string;
  services: AppServices;
  db: Database;
  /** An anonymous client; `.withToken()` for a signed-in one. */
  client: ModelmarketClient;
  close(): Promise<void>;
}

/**
 * A real API server on a random port over a fresh, migrated database: in-memory PGlite
 * or a new database on the local PostgreSQL server (TEST_DB=postgres).
 */
export async function startTestApi(
  envOverrides: Record<string, string> = {},
  /** `tierTransport`: how the API calls the tier — its Unix socket as `npm start` does (default), or HTTP. */
  options: { inference?: boolean; tierTransport?: "socket" | "http" } = {},
): Promise<TestApi> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-test-"));
  const { db, drop } = await freshDatabase();
  // The real inference tier, on the same data folder (it reads models from the artifact store).
  const inferenceSecret = crypto.randomBytes(32).toString("hex");
  const socket = options.tierTransport === "http" ? null : path.join(dataDir, "inference.sock");
  const tier = options.inference
    ? await startInference(
        loadInferenceEnv({
          DATA_DIR: dataDir,
          INFERENCE_PORT: "0",
          INFERENCE_SHARED_SECRET: inferenceSecret,
          ...(socket ? { INFERENCE_SOCKET: socket } : {}),
        }),
        pino({ level: "silent" }),
      )
    : null;
  const env = loadEnv({
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    SESSION_SECRET: crypto.randomBytes(32).toString("hex"),
    SEED_DEMO: "false",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    SIGNUP_MAX_PER_IP_PER_HOUR: "1000",
    SIGNIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE: "1000",
    INFERENCE_SHARED_SECRET: inferenceSecret,
    ...(tier ? { INFERENCE_URL: tier.url, ...(socket ? { INFERENCE_SOCKET: socket } : {}) } : {}),
    ...envOverrides,
  });
  const services = createServices(env, db, createLogger(env.LOG_LEVEL));
  const api: RunningApi = await startApi(services, 0, "127.0.0.1");
  return {
    url: api.url,
    services,
    db,
    client: new ModelmarketClient(api.url),
    async close() {
      await new Promise((resolve) => api.server.close(resolve));
      await api.close();
      await tier?.close();
      await db.close();
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function freshDatabase(): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (process.env.TEST_DB !== "postgres") {
    const pglite = await openPglite("memory://");
    await applyMigrationsDirectly((sql) => pglite.exec(sql));
    return { db: createDatabaseOnPglite(pglite), drop: async () => {} };
  }
  const name = `mm_test_${crypto.randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const migrator = new pg.Client({ connectionString: url.toString() });
  await migrator.connect();
  await applyMigrationsDirectly((sql) => migrator.query(sql));
  await migrator.end();
  const db = await createDatabase({ kind: "postgres", connectionString: url.toString(), poolSize: 5 });
  return {
    db,
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

let counter = 0;

/** A new tenant with its owner, signed in. Every test makes its own. */
export async function signUpTenant(api: TestApi, name = "Tenant") {
  counter++;
  const email = `owner-${Date.now()}-${counter}-${crypto.randomBytes(3).toString("hex")}@example.com`;
  const password = "purple-otter-kettle-42";
  const data = await api.client.request(SignUpDocument, {
    input: { email, password, tenantName: `${name} ${counter}` },
  });
  return {
    email,
    password,
    token: data.signUp.token,
    userId: data.signUp.user.id,
    tenantId: data.signUp.user.tenant.id,
    tenantSlug: data.signUp.user.tenant.slug,
    client: api.client.withToken(data.signUp.token),
  };
}

export type TestTenant = Awaited<ReturnType<typeof signUpTenant>>;

/** Creates an API key for the tenant and returns a client using it. */
export async function apiKeyClient(api: TestApi, tenant: TestTenant, scopes: string[]) {
  const data = await tenant.client.request(CreateApiKeyDocument, { name: "test", scopes });
  return { client: api.client.withToken(data.createApiKey.secret), ...data.createApiKey };
}

/** A small, valid ONNX model (y = x·W + b) built in code. */
export function tinyOnnx(outputs = 3, seed = 1): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: "x", elemType: "FLOAT", shape: ["batch", 4] }],
    outputs: [{ name: "y", elemType: "FLOAT", shape: ["batch", outputs] }],
    initializers: [
      { name: "W", dims: [4, outputs], floatData: Array.from({ length: 4 * outputs }, (_, i) => ((i * seed) % 7) / 7) },
      { name: "b", dims: [outputs], floatData: Array.from({ length: outputs }, () => 0.1) },
    ],
    nodes: [
      { opType: "MatMul", inputs: ["x", "W"], outputs: ["xw"] },
      { opType: "Add", inputs: ["xw", "b"], outputs: ["y"] },
    ],
  });
}

/** A small model of the text convention whose scores depend on the text's length. */
export const tinyTextModel = lengthTextClassifier;

/** The assets a text model needs: a WordPiece vocabulary, its preprocessing and labels. */
export async function uploadTextAssets(
  client: TestTenant["client"],
  labels: string[] = ["a", "b", "c"],
): Promise<Record<string, string>> {
  const upload = async (content: string) =>
    (await client.uploadArtifact(Buffer.from(content), { kind: "asset" })).body.id as string;
  return {
    vocab: await upload(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "world", "##s"].join("\n")),
    preprocessing: await upload(JSON.stringify({ tokenizer: "wordpiece", maxLength: 32 })),
    labels: await upload(JSON.stringify(labels)),
  };
}

export const FREE_PLAN = {
  name: "Free",
  monthlyFeeCents: 0,
  includedUnits: 100,
  unitPriceMicros: 0,
  currency: "usd",
  rateLimitPerMinute: 60,
};

/** FREE_PLAN for a token-metered task (generation): prices per million input and output tokens, here 0. */
export const FREE_TOKEN_PLAN = { ...FREE_PLAN, inputPricePerMillionMicros: 0, outputPricePerMillionMicros: 0 };

/** Uploads a tiny text model and its assets and publishes it; returns the model's slug and ids. */
export async function publishTinyModel(
  tenant: TestTenant,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; slug: string; plans: { id: string; name: string }[] }> {
  const upload = await tenant.client.uploadArtifact(tinyTextModel(), { fileName: "tiny.onnx" });
  if (upload.status !== 201) throw new Error(`upload failed: ${JSON.stringify(upload.body)}`);
  const assets = await uploadTextAssets(tenant.client);
  const data = await tenant.client.request<{
    publishModel: { id: string; slug: string; plans: { id: string; name: string }[] };
  }>(`mutation($input: PublishModelInput!) { publishModel(input: $input) { id slug plans { id name } } }`, {
    input: {
      name: `model ${crypto.randomBytes(3).toString("hex")}`,
      description: "A tiny linear model for tests",
      task: "TEXT_CLASSIFICATION",
      artifactId: upload.body.id,
      version: "1.0.0",
      assets,
      plans: [FREE_PLAN, { ...FREE_PLAN, name: "Pro", monthlyFeeCents: 1900, unitPriceMicros: 200 }],
      ...overrides,
    },
  });
  return data.publishModel;
}

/**
 * Publishes a model built in a test through the public path, as any publisher would: the ONNX
 * file uploaded with `kind=model`, each asset (bytes or text, JSON-encoded when an object) with
 * `kind=asset`, then publishModel with FREE_PLAN unless `input` says otherwise. The raw answer,
 * so tests can check refusals.
 */
export async function publishBuiltModel(
  tenant: TestTenant,
  task: string,
  model: Uint8Array,
  assets: Record<string, Uint8Array | string | object> = {},
  input: Record<string, unknown> = {},
) {
  const upload = async (bytes: Uint8Array | string, kind: "model" | "asset") =>
    (await tenant.client.uploadArtifact(Buffer.from(bytes), { kind })).body.id as string;
  const ids: Record<string, string> = {};
  for (const [role, value] of Object.entries(assets)) {
    const bytes = typeof value === "string" || value instanceof Uint8Array ? value : JSON.stringify(value);
    ids[role] = await upload(bytes, "asset");
  }
  return tenant.client.raw<{ publishModel: { slug: string; plans: { id: string }[] } }>(
    `mutation($i: PublishModelInput!) { publishModel(input: $i) { slug plans { id } } }`,
    {
      i: {
        name: `${task.toLowerCase().replaceAll("_", " ")} ${crypto.randomBytes(3).toString("hex")}`,
        description: `A ${task} model built in the test`,
        task,
        artifactId: await upload(model, "model"),
        version: "1.0.0",
        assets: ids,
        plans: [FREE_PLAN],
        ...input,
      },
    },
  );
}

/** The tiny GPT-2 with Optimum's names (packages/onnx/fixtures/tiny-gpt2, scripts/generation/tiny_gpt2.py). */
export const TINY_GPT2 = path.resolve(__dirname, "../../../packages/onnx/fixtures/tiny-gpt2");

/**
 * Uploads a TEXT_GENERATION model (the tiny GPT-2 unless `model` says) with the fixture's
 * tokenizer and configs, and publishes it through the public path; the raw answer.
 */
export async function publishTinyGpt(
  tenant: TestTenant,
  options: { plans: Record<string, unknown>[]; model?: Uint8Array; visibility?: string },
) {
  const read = (file: string) => fs.readFileSync(path.join(TINY_GPT2, file));
  const upload = await tenant.client.uploadArtifact(options.model ?? read("model.onnx"), {
    fileName: "decoder_model.onnx",
  });
  const assets: Record<string, string> = {};
  for (const [role, file] of [
    ["tokenizer", "tokenizer.json"],
    ["tokenizer_config", "tokenizer_config.json"],
    ["generation_config", "generation_config.json"],
    ["config", "config.json"],
  ] as const) {
    assets[role] = (await tenant.client.uploadArtifact(read(file), { kind: "asset", fileName: file })).body
      .id as string;
  }
  return tenant.client.raw<{ publishModel: { slug: string; plans: { id: string }[] } }>(
    `mutation($i: PublishModelInput!) { publishModel(input: $i) { slug plans { id } } }`,
    {
      i: {
        name: `tiny gpt ${crypto.randomBytes(3).toString("hex")}`,
        description: "A tiny GPT-2 for tests",
        task: "TEXT_GENERATION",
        visibility: options.visibility ?? "PUBLIC",
        artifactId: upload.body.id,
        version: "1.0.0",
        assets,
        plans: options.plans,
      },
    },
  );
}

/** The `extensions.code` of the first error of a raw response. */
export function errorCode(body: { errors?: { extensions?: { code?: string } }[] }): string | undefined {
  return body.errors?.[0]?.extensions?.code;
}

/**
 * Publishes one of the shipped models over HTTP the way any publisher would: upload the
 * file and its assets, then publishModel.
 */
export async function publishZooModelOverHttp(
  tenant: TestTenant,
  zoo: ZooModel,
  overrides: Record<string, unknown> = {},
): Promise<{ slug: string; plans: { id: string }[] }> {
  const upload = async (file: string, kind: "model" | "asset") =>
    (await tenant.client.uploadArtifact(fs.readFileSync(file), { kind })).body.id as string;
  const assets: Record<string, string> = {};
  for (const [role, file] of Object.entries(zoo.assetPaths)) assets[role] = await upload(file, "asset");
  const data = await tenant.client.request<{ publishModel: { slug: string; plans: { id: string }[] } }>(
    `mutation($i: PublishModelInput!) { publishModel(input: $i) { slug plans { id } } }`,
    {
      i: {
        name: zoo.name,
        description: zoo.description,
        task: zoo.task,
        artifactId: await upload(zoo.modelPath, "model"),
        version: zoo.version,
        assets,
        plans: zoo.plans,
        ...overrides,
      },
    },
  );
  return data.publishModel;
}

/**
 * A shipped model, built once for all test files and runs (the build cache is keyed by
 * content, and shared with the model-zoo tests).
 */
export async function zooModel(name: string): Promise<ZooModel> {
  const entry = ZOO.find((e) => e.name === name);
  if (!entry) throw new Error(`no zoo model ${name}`);
  return buildCached(entry, path.join(os.tmpdir(), "modelmarket-zoo-cache"));
}

/** Subscribes the tenant to a model's plan. */
export async function subscribeTo(tenant: TestTenant, slug: string, planId: string | undefined): Promise<void> {
  if (!planId) throw new Error(`no plan to subscribe to on ${slug}`);
  await tenant.client.request(SubscribeDocument, { model: slug, planId });
}

/** The units (tokens, for generative models) the tenant's subscription to `slug` used this period; -1 without one. */
export async function usedUnits(tenant: TestTenant, slug: string): Promise<number> {
  const { body } = await tenant.client.raw<{ subscriptions: { model: { slug: string }; usedUnits: number }[] }>(
    "{ subscriptions { model { slug } usedUnits } }",
  );
  return body.data?.subscriptions.find((s) => s.model.slug === slug)?.usedUnits ?? -1;
}
