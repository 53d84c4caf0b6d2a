// Black-box: two API processes and two inference processes on one PostgreSQL database and one
// Redis, a client spreading its calls over both APIs. Several instances must behave as one:
// a quota is served exactly, a key revoked on one API is refused by the other within a second,
// usage events are exact, a tenant can be moved to another inference pool without a restart,
// and a period closes once when two closers race.
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
  REDIS_URL,
  reachable,
  runApiCli,
  startApp,
  type TestDatabase,
} from "../support/processes";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-multi-"));
const secret = crypto.randomBytes(32).toString("hex");
const QUOTA = 25;
const EMBED = `mutation($m: String!) { embedText(model: $m, inputs: ["hello"]) { values } }`;

let database: TestDatabase | undefined;
const children: ChildProcess[] = [];
let tierUrls: string[] = [];
let apis: ModelmarketClient[] = [];
let servicesUp = true;
let slug = "";
let plans: { name: string; id: string }[] = [];

function sharedEnv(): NodeJS.ProcessEnv {
  return {
    DATA_DIR: dataDir,
    DATABASE_URL: database?.url,
    REDIS_URL,
    INFERENCE_SHARED_SECRET: secret,
    SEED_DEMO: "false",
    BILLING_CLOSE_INTERVAL_MS: "0",
    LOG_LEVEL: "warn",
    // Far longer than any test waits: a revocation seen by the other API came over the cache
    // bus, not from an entry expiring (the tests check the order, not the time).
    API_KEY_CACHE_TTL_MS: "600000",
  };
}

/**
 * Whether calls become UNAUTHENTICATED while the key is still in the calling API's cache: polled
 * (each call one round trip) until refused, giving up after 200 calls.
 */
async function refusedBy(call: () => Promise<{ body: { errors?: { extensions?: { code?: string } }[] } }>) {
  for (let attempt = 0; attempt < 200; attempt++) {
    if ((await call()).body.errors?.[0]?.extensions?.code === "UNAUTHENTICATED") return true;
    await new Promise((r) => setImmediate(r));
  }
  return false;
}

const signUp = async (api: ModelmarketClient, name: string) => {
  const { signUp } = await api.request<{ signUp: { token: string; user: { tenant: { slug: string } } } }>(
    `mutation($i: SignUpInput!) { signUp(input: $i) { token user { tenant { slug } } } }`,
    {
      i: { email: `${name}-${crypto.randomUUID()}@example.com`, password: "granite-lantern-orbit-7", tenantName: name },
    },
  );
  return { slug: signUp.user.tenant.slug, on: (other: ModelmarketClient) => other.withToken(signUp.token) };
};

/** A consumer subscribed to `plan`, with an API key usable on either API. */
async function consumer(name: string, plan: string) {
  const tenant = await signUp(apis[0] as ModelmarketClient, name);
  // Subscribe on one API and mint the key on the other: both read the same database.
  await tenant
    .on(apis[1] as ModelmarketClient)
    .request(`mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`, {
      m: slug,
      p: plans.find((p) => p.name === plan)?.id,
    });
  const { createApiKey } = await tenant
    .on(apis[0] as ModelmarketClient)
    .request<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      `mutation { createApiKey(name: "multi", scopes: ["inference"]) { secret apiKey { id } } }`,
    );
  return {
    slug: tenant.slug,
    session: tenant.on,
    keyId: createApiKey.apiKey.id,
    via: (i: number) => (apis[i % 2] as ModelmarketClient).withToken(createApiKey.secret),
  };
}

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: database?.url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Requests the tier counted for a tenant, from its Prometheus metrics. */
async function tierRequests(tierUrl: string, tenantId: string): Promise<number> {
  const text = await (await fetch(`${tierUrl}/metrics`, { headers: { authorization: `Bearer ${secret}` } })).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("inference_requests_total{") && line.includes(`tenant="${tenantId}"`))
    .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
}

beforeAll(async () => {
  if (!(await reachable(ADMIN_URL)) || !(await reachable(REDIS_URL))) {
    if (process.env.CI === "true")
      throw new Error(`PostgreSQL (${ADMIN_URL}) and Redis (${REDIS_URL}) must run under CI`);
    servicesUp = false;
    return;
  }
  database = await createMigratedDatabase("mm_multi");
  const tierPorts = [await freePort(), await freePort()];
  const apiPorts = [await freePort(), await freePort()];
  tierUrls = tierPorts.map((p) => `http://127.0.0.1:${p}`);
  for (const port of tierPorts) {
    children.push(await startApp("inference", { ...sharedEnv(), INFERENCE_PORT: String(port) }, port));
  }
  for (const [i, port] of apiPorts.entries()) {
    const env = { ...sharedEnv(), PORT: String(port), INFERENCE_URL: tierUrls[i] };
    children.push(await startApp("api", env, port));
  }
  apis = apiPorts.map((p) => new ModelmarketClient(`http://127.0.0.1:${p}`));

  // A publisher (on API 0) with a small-quota plan and a large one.
  const publisher = (await signUp(apis[0] as ModelmarketClient, "multipub")).on(apis[0] as ModelmarketClient);
  const upload = async (bytes: Uint8Array, kind: "model" | "asset") =>
    (await publisher.uploadArtifact(bytes, { kind })).body.id as string;
  const plan = { monthlyFeeCents: 0, unitPriceMicros: 0, rateLimitPerMinute: 100_000 };
  const { publishModel } = await publisher.request<{
    publishModel: { slug: string; plans: { name: string; id: string }[] };
  }>(`mutation($i: PublishModelInput!) { publishModel(input: $i) { slug plans { name id } } }`, {
    i: {
      name: "multi embedder",
      description: "Embeds masks",
      task: "TEXT_EMBEDDING",
      artifactId: await upload(maskEmbeddingModel(), "model"),
      version: "1.0.0",
      assets: {
        vocab: await upload(Buffer.from("[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello"), "asset"),
        preprocessing: await upload(Buffer.from(JSON.stringify({ tokenizer: "wordpiece" })), "asset"),
      },
      plans: [
        { name: "Small", includedUnits: QUOTA, ...plan },
        { name: "Large", includedUnits: 1_000_000, ...plan },
      ],
    },
  });
  slug = publishModel.slug;
  plans = publishModel.plans;
}, 180_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGTERM");
  await database?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("several API and inference instances behave as one", () => {
  it("happy: a quota of N is served exactly N times to 32 concurrent callers spread over both APIs", async (ctx) => {
    if (!servicesUp) return ctx.skip();
    const small = await consumer("quota", "Small");
    const codes = await Promise.all(
      Array.from({ length: 32 }, async (_, caller) => {
        const seen: string[] = [];
        for (let i = 0; i < 2; i++) {
          const { body } = await small.via(caller + i).raw(EMBED, { m: slug });
          seen.push(body.errors ? String(body.errors[0]?.extensions?.code) : "OK");
        }
        return seen;
      }),
    );
    const flat = codes.flat();
    expect(flat.filter((c) => c === "OK")).toHaveLength(QUOTA);
    expect(new Set(flat.filter((c) => c !== "OK"))).toEqual(new Set(["QUOTA_EXCEEDED"]));
    const [row] = await query<{ units: string }>(
      `SELECT coalesce(sum(e.units), 0) AS units FROM "UsageEvent" e JOIN "Tenant" t ON t.id = e."tenantId"
       WHERE t.slug = $1 AND e.outcome = 'SUCCESS'`,
      [small.slug],
    );
    expect(Number(row?.units)).toBe(QUOTA);
  });

  it("security: a key revoked on one API is refused by the other while still in its cache (the bus, not expiry)", async (ctx) => {
    if (!servicesUp) return ctx.skip();
    const user = await consumer("revoke", "Large");
    // Both APIs have now authenticated (and cached) the key.
    for (const i of [0, 1]) expect((await user.via(i).raw(EMBED, { m: slug })).body.errors).toBeUndefined();
    await user.session(apis[0] as ModelmarketClient).request(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, {
      id: user.keyId,
    });
    // API 1 cached the key for 10 minutes: only the revocation's message over the bus refuses it.
    expect(await refusedBy(() => user.via(1).raw(EMBED, { m: slug }))).toBe(true);
  });

  it("security: removing a member on one API revokes the keys they created; the other refuses them while still cached", async (ctx) => {
    if (!servicesUp) return ctx.skip();
    const team = await consumer("team", "Large");
    const owner = team.session(apis[0] as ModelmarketClient);
    const { inviteMember } = await owner.request<{ inviteMember: { url: string } }>(
      `mutation($e: String!) { inviteMember(email: $e, role: DEVELOPER) { url } }`,
      { e: `dev-${crypto.randomUUID()}@example.com` },
    );
    const { acceptInvitation } = await (apis[1] as ModelmarketClient).request<{
      acceptInvitation: { token: string; user: { id: string } };
    }>(`mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { token user { id } } }`, {
      t: inviteMember.url.slice(inviteMember.url.lastIndexOf("/") + 1),
      p: "cobalt-harbour-lantern-8",
    });
    const { createApiKey } = await (apis[1] as ModelmarketClient)
      .withToken(acceptInvitation.token)
      .request<{ createApiKey: { secret: string } }>(
        `mutation { createApiKey(name: "laptop", scopes: ["inference"]) { secret } }`,
      );
    const memberKey = (i: number) => (apis[i] as ModelmarketClient).withToken(createApiKey.secret);
    // Both APIs have authenticated (and cached) the member's key.
    for (const i of [0, 1]) expect((await memberKey(i).raw(EMBED, { m: slug })).body.errors).toBeUndefined();
    await owner.request(`mutation($u: ID!) { removeMember(userId: $u) { revokedKeys } }`, {
      u: acceptInvitation.user.id,
    });
    expect(await refusedBy(() => memberKey(1).raw(EMBED, { m: slug }))).toBe(true);
    // Their session is refused everywhere too (the membership is read on every request).
    const session = (apis[1] as ModelmarketClient).withToken(acceptInvitation.token);
    expect((await session.raw(`{ me { email } }`)).body.data?.me ?? null).toBeNull();
    expect((await session.raw(`{ apiKeys { id } }`)).body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("happy: usage events are exact when calls and idempotent retries land on different APIs", async (ctx) => {
    if (!servicesUp) return ctx.skip();
    const user = await consumer("exact", "Large");
    const answers = new Map<string, string>();
    let successes = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, caller) => {
        for (let i = 0; i < 25; i++) {
          // Every third call is retried on the other API with the same key.
          const key = `k-${caller}-${i}`;
          const sends = i % 3 === 0 ? [caller, caller + 1] : [caller];
          for (const api of sends) {
            const { body } = await user.via(api).raw(EMBED, { m: slug }, { "idempotency-key": key });
            expect(body.errors).toBeUndefined();
            const answer = JSON.stringify(body.data);
            if (answers.has(key)) expect(answers.get(key)).toBe(answer);
            else answers.set(key, answer);
            successes++;
          }
        }
      }),
    );
    expect(successes).toBeGreaterThan(200);
    const [row] = await query<{ events: string; distinct: string }>(
      `SELECT count(*) AS events, count(DISTINCT e."idempotencyKey") AS distinct FROM "UsageEvent" e
       JOIN "Tenant" t ON t.id = e."tenantId" WHERE t.slug = $1 AND e.outcome = 'SUCCESS'`,
      [user.slug],
    );
    expect(Number(row?.events)).toBe(200);
    expect(Number(row?.distinct)).toBe(200);
  });

  it("happy: a tenant moved to a dedicated pool is served there by both APIs, without a restart", async (ctx) => {
    if (!servicesUp) return ctx.skip();
    const user = await consumer("routed", "Large");
    const [tenant] = await query<{ id: string }>(`SELECT id FROM "Tenant" WHERE slug = $1`, [user.slug]);
    const tenantId = tenant?.id as string;
    const cli = (args: string[]) => runApiCli("tenant-pool", ["--tenant", user.slug, ...args], sharedEnv());
    // Warm both APIs' route caches on the shared pools (API 0 → tier 0, API 1 → tier 1).
    for (const i of [0, 1]) await user.via(i).request(EMBED, { m: slug });
    const before = await Promise.all(tierUrls.map((u) => tierRequests(u, tenantId)));
    expect(before).toEqual([1, 1]);

    // To a dedicated pool (tier 1): every call, through either API, goes there.
    const moved = await cli(["--pool", "routed-gpu", "--url", tierUrls[1] as string]);
    expect(moved.code, moved.out).toBe(0);
    for (let i = 0; i < 6; i++) await user.via(i).request(EMBED, { m: slug });
    expect(await Promise.all(tierUrls.map((u) => tierRequests(u, tenantId)))).toEqual([1, 7]);

    // A pool that is down answers UNAVAILABLE, not a hang or an internal error…
    const down = await cli(["--pool", "routed-gpu", "--url", "http://127.0.0.1:9"]);
    expect(down.code, down.out).toBe(0);
    const refused = await user.via(0).raw(EMBED, { m: slug });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("UNAVAILABLE");
    // …and failed calls are not billed.
    const [billed] = await query<{ n: string }>(
      `SELECT count(*) AS n FROM "UsageEvent" WHERE "tenantId" = $1 AND outcome = 'SUCCESS'`,
      [tenantId],
    );
    expect(Number(billed?.n)).toBe(8);

    // Back to the shared pool.
    const back = await cli(["--shared"]);
    expect(back.code, back.out).toBe(0);
    await user.via(0).request(EMBED, { m: slug });
    expect(await Promise.all(tierUrls.map((u) => tierRequests(u, tenantId)))).toEqual([2, 7]);
  });

  it("error: moving an unknown tenant is refused with a message", async (ctx) => {
    if (!servicesUp) return ctx.skip();
    const result = await runApiCli("tenant-pool", ["--tenant", "no-such-tenant", "--shared"], sharedEnv());
    expect(result.code).toBe(1);
    expect(result.out).toContain('Tenant "no-such-tenant" not found');
  });

  it("happy: two period closes racing on different processes create each invoice once", async (ctx) => {
    if (!servicesUp) return ctx.skip();
    // The month still running cannot be closed: its calls are still being served.
    const current = new Date().toISOString().slice(0, 7);
    const refused = await runApiCli("billing-close", ["--period", current], sharedEnv());
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("has not ended");
    expect(Number((await query<{ n: string }>(`SELECT count(*) AS n FROM "Invoice"`))[0]?.n)).toBe(0);
    // As if a month had passed: this file's subscriptions and calls move to last month, which is closed.
    await query(`UPDATE "Subscription" SET "createdAt" = "createdAt" - interval '1 month',
      "canceledAt" = "canceledAt" - interval '1 month'`);
    await query(`UPDATE "UsageEvent" SET "createdAt" = "createdAt" - interval '1 month'`);
    const now = new Date();
    const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    const period = `${last.getUTCFullYear()}-${String(last.getUTCMonth() + 1).padStart(2, "0")}`;
    const runs = await Promise.all([0, 1].map(() => runApiCli("billing-close", ["--period", period], sharedEnv())));
    for (const run of runs) expect(run.code, run.out).toBe(0);
    const created = runs.map((r) => Number(/(\d+) invoice\(s\) created/.exec(r.out)?.[1]));
    const [row] = await query<{ invoices: string; tenants: string }>(
      `SELECT count(*) AS invoices, count(DISTINCT "tenantId") AS tenants FROM "Invoice"`,
    );
    expect(Number(row?.invoices)).toBeGreaterThan(0);
    expect(Number(row?.invoices)).toBe(Number(row?.tenants));
    expect(created[0] + created[1]).toBe(Number(row?.invoices));
  });
});
