// Part 3 (metering), in one run:
// - durable usage events per second through the group-commit writer against PostgreSQL
//   (2,000 calls in flight at any time), with one INSERT per event as the baseline;
//   target ≥ 10,000 events/s;
// - charged calls per second through charge_calls (reservation + usage event in one statement,
//   group-committed: the call path's normal way), same load;
// - throughput of a metered classifyText call vs the same call with METERING=off (the
//   product restarted), target ≤ 10% cost (issue 14).
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { root, summary } from "./product.mjs";

const db = await import(path.join(root, "packages/db/dist/index.js"));
const { UsageWriter } = await import(path.join(root, "apps/api/dist/infra/usage-writer.js"));
const { chargeCall } = await import(path.join(root, "apps/api/dist/metering/charge-calls.js"));
const { MeteringState } = await import(path.join(root, "apps/api/dist/metering/metering-state.js"));
const { newId } = await import(path.join(root, "packages/domain/dist/index.js"));
const { ModelmarketClient } = await import(path.join(root, "packages/sdk/dist/index.js"));

const SENTENCE = "The food was great and the staff were lovely, I will come back.";
const CLASSIFY = `mutation($t: [String!]!) { classifyText(model: "modelmarket/sentiment", inputs: $t) { label score } }`;

async function writerThroughput(events) {
  const base = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `mm_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await db.createDatabase({ kind: "postgres", connectionString: url.toString(), poolSize: 10 });
  try {
    const prisma = database.prisma;
    await db.applyMigrationsDirectly((sql) => prisma.$executeRawUnsafe(sql));
    // Foreign keys need a real tenant, model version and subscription.
    const tenant = await prisma.tenant.create({ data: { id: newId("tenant"), slug: name, name } });
    const artifact = await prisma.artifact.create({
      data: {
        id: newId("artifact"),
        tenantId: tenant.id,
        kind: "MODEL",
        sha256: "0".repeat(64),
        sizeBytes: 1,
        fileName: "m.onnx",
      },
    });
    const model = await prisma.model.create({
      data: {
        id: newId("model"),
        publisherTenantId: tenant.id,
        slug: `${name}/m`,
        name: "m",
        description: "m",
        task: "TEXT_EMBEDDING",
      },
    });
    const version = await prisma.modelVersion.create({
      data: {
        id: newId("modelVersion"),
        modelId: model.id,
        artifactId: artifact.id,
        version: "1",
        sha256: artifact.sha256,
        sizeBytes: 1,
        signature: {},
      },
    });
    const plan = await prisma.plan.create({
      data: {
        id: newId("plan"),
        modelId: model.id,
        name: "p",
        monthlyFeeCents: 0,
        includedUnits: 1,
        // Overage: every charge fits, as on a paid plan under load.
        unitPriceMicros: 100,
        rateLimitPerMinute: 1,
      },
    });
    const now = new Date();
    const subscription = await prisma.subscription.create({
      data: {
        id: newId("subscription"),
        tenantId: tenant.id,
        modelId: model.id,
        planId: plan.id,
        currentPeriodStart: now,
        currentPeriodEnd: new Date(now.getTime() + 86_400_000),
      },
    });
    const row = () => ({
      id: newId("usageEvent"),
      requestId: newId("request"),
      tenantId: tenant.id,
      apiKeyId: null,
      subscriptionId: subscription.id,
      modelVersionId: version.id,
      outcome: "SUCCESS",
      units: 1,
      billedUnits: 0,
      inputUnits: null,
      billedOutputUnits: 0,
      amountMicros: 0n,
      latencyMs: 3,
      idempotencyKey: null,
      requestHash: null,
      response: null,
      createdAt: new Date(),
    });
    const inFlight = 2_000;
    const drive = async (write) => {
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next++ < events) await write(row());
        }),
      );
      return Math.round(events / ((performance.now() - started) / 1000));
    };
    const writer = new UsageWriter(prisma, { error() {}, info() {}, warn() {} }, { maxDelayMs: 2, maxBatch: 1000 });
    await drive((r) => writer.record(r)); // warm-up
    const grouped = await drive((r) => writer.record(r));
    const single = await drive((r) => prisma.usageEvent.create({ data: r }));
    const services = {
      db: prisma,
      durableQuery: database.durableQuery,
      env: { USAGE_COMMIT_MAX_DELAY_MS: 2 },
      logger: { error() {}, info() {}, warn() {} },
      metering: new MeteringState(),
    };
    const charged = await drive(async (r) => {
      const outcome = await chargeCall(services, r);
      if (outcome.status !== "charged") throw new Error(`charge ${outcome.status}`);
    });
    const count = await prisma.usageEvent.count();
    if (count !== events * 4) throw new Error(`expected ${events * 4} events, found ${count}`);
    const units = (await prisma.subscription.findUniqueOrThrow({ where: { id: subscription.id } })).periodUnits;
    if (units !== events) throw new Error(`expected ${events} charged units, found ${units}`);
    return { grouped, single, charged, ratio: Number((grouped / single).toFixed(2)) };
  } finally {
    await database.close();
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
}

export async function runMetering({ url, restart, settings }) {
  const writer = await writerThroughput(Number(process.env.BENCH_EVENTS ?? 30_000));

  const anon = new ModelmarketClient(url);
  const signUp = await anon.request(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
    i: { email: `meter-${Date.now()}@example.com`, password: "bench-tortoise-harbor-19", tenantName: "Meter" },
  });
  const me = anon.withToken(signUp.signUp.token);
  const model = await anon.request(`{ model(slug: "modelmarket/sentiment") { plans { id monthlyFeeCents } } }`);
  const paid = model.model.plans.find((p) => p.monthlyFeeCents > 0);
  await me.request(`mutation($p: ID!) { subscribe(model: "modelmarket/sentiment", planId: $p) { id } }`, {
    p: paid.id,
  });
  const key = (await me.request(`mutation { createApiKey(name: "meter") { secret } }`)).createApiKey.secret;
  const load = () =>
    autocannon({
      url: `${url}/graphql`,
      method: "POST",
      connections: 16,
      duration: settings.durationS,
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: CLASSIFY, variables: { t: [SENTENCE] } }),
    });
  const measure = async () => {
    await autocannon({
      url: `${url}/graphql`,
      method: "POST",
      connections: 16,
      duration: 2,
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: CLASSIFY, variables: { t: [SENTENCE] } }),
    });
    const runs = [];
    for (let i = 0; i < settings.rounds; i++) runs.push(summary(await load()));
    return runs;
  };
  const metered = await measure();
  const unmetered = await restart({ METERING: "off" }, measure);
  const avg = (xs) => xs.reduce((s, x) => s + x.reqPerSec, 0) / xs.length;
  const cost = 1 - avg(metered) / avg(unmetered);

  console.log("\nMetering");
  console.log(
    `  group-commit writer on PostgreSQL: ${writer.grouped} durable events/s vs ${writer.single} with one INSERT each` +
      ` → ${writer.ratio}× (target >= 10,000 events/s) ${writer.grouped >= 10_000 ? "MET" : "MISSED"}`,
  );
  console.log(
    `  charge_calls (units reserved + event, one statement per batch) on PostgreSQL: ${writer.charged} charged calls/s`,
  );
  console.log(
    `  classifyText, 16 connections: metered ${metered.map((r) => r.reqPerSec).join(" / ")} req/s vs unmetered` +
      ` ${unmetered.map((r) => r.reqPerSec).join(" / ")} req/s → metering costs ${(cost * 100).toFixed(1)}%` +
      ` (target <= 10%) ${cost <= 0.1 ? "MET" : "MISSED"}`,
  );
  return { part: "metering", writer, metered, unmetered, cost: Number(cost.toFixed(3)) };
}
