#!/usr/bin/env node
// `npm run bench`: throughput figures as ratios against a baseline measured in the same run
// on the same server, since these machines are shared and noisy.
//
// Part 1 (foundation): authenticated `models(first: 20)` with an API key vs an
// unauthenticated `{ __typename }`. Target: the catalog query keeps ≥ 50% of the trivial
// query's throughput.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const { ModelmarketClient } = await import(path.join(root, "packages/api-client/dist/index.js"));
const { buildOnnxModel } = await import(path.join(root, "packages/onnx/dist/index.js"));

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const CATALOG_SIZE = 30;

async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

async function startProduct(port, dataDir) {
  const child = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      INFERENCE_PORT: String(await freePort()),
      DATA_DIR: dataDir,
      DATABASE_URL: process.env.BENCH_DATABASE_URL ?? "",
      LOG_LEVEL: "warn",
      // Measured as deployed: production mode (graphql-js drops its development checks).
      NODE_ENV: "production",
      SESSION_SECRET: crypto.randomBytes(32).toString("hex"),
      INFERENCE_SHARED_SECRET: crypto.randomBytes(32).toString("hex"),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const deadline = Date.now() + 180_000;
  while (!out.includes("Modelmarket is running")) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return child;
}

function load(url, { headers = {}, body }) {
  return autocannon({
    url: `${url}/graphql`,
    method: "POST",
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

function summary(result) {
  return {
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const port = await freePort();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-bench-"));
const url = `http://127.0.0.1:${port}`;
console.log(`bench: starting the product (${process.env.BENCH_DATABASE_URL ? "PostgreSQL" : "embedded PGlite"})`);
const server = await startProduct(port, dataDir);
try {
  const anon = new ModelmarketClient(url);
  const signUp = await anon.request(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
    i: { email: `bench-${Date.now()}@example.com`, password: "bench-tortoise-harbor-19", tenantName: "Bench" },
  });
  const owner = anon.withToken(signUp.signUp.token);
  // A catalog large enough that a page of 20 is full.
  for (let i = 0; i < CATALOG_SIZE; i++) {
    const bytes = buildOnnxModel({
      inputs: [{ name: "x", elemType: "FLOAT", shape: [1, 4] }],
      outputs: [{ name: "y", elemType: "FLOAT", shape: [1, 4] }],
      nodes: [{ opType: "Relu", inputs: ["x"], outputs: ["y"] }],
      producer: `bench-${i}`,
    });
    const upload = await owner.uploadArtifact(bytes);
    await owner.request(`mutation($i: PublishModelInput!) { publishModel(input: $i) { id } }`, {
      i: {
        name: `bench model ${i}`,
        description: `Benchmark catalog entry ${i}`,
        task: "TEXT_CLASSIFICATION",
        tags: ["bench"],
        artifactId: upload.body.id,
        version: "1.0.0",
        plans: [
          { name: "Free", monthlyFeeCents: 0, includedUnits: 100, unitPriceMicros: 0, rateLimitPerMinute: 60 },
          { name: "Pro", monthlyFeeCents: 900, includedUnits: 10000, unitPriceMicros: 50, rateLimitPerMinute: 600 },
        ],
      },
    });
  }
  const key = await owner.request(`mutation { createApiKey(name: "bench", scopes: ["inference"]) { secret } }`);
  const catalogQuery = {
    query: `{ models(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
      id slug name description task tags publisher { slug name }
      latestVersion { version sizeBytes createdAt } plans { name monthlyFeeCents includedUnits unitPriceMicros currency } } } } }`,
  };
  const check = await new ModelmarketClient(url, key.createApiKey.secret).request(catalogQuery.query);
  if (check.models.edges.length !== 20) throw new Error("catalog page is not full");

  const trivial = [];
  const catalog = [];
  // Warm-up, then alternate so that drift on a shared machine hits both sides alike.
  await load(url, { body: { query: "{ __typename }" } });
  for (let round = 0; round < ROUNDS; round++) {
    trivial.push(summary(await load(url, { body: { query: "{ __typename }" } })));
    catalog.push(
      summary(await load(url, { headers: { authorization: `Bearer ${key.createApiKey.secret}` }, body: catalogQuery })),
    );
  }
  const avg = (xs, f) => xs.reduce((s, x) => s + f(x), 0) / xs.length;
  const ratio = avg(catalog, (x) => x.reqPerSec) / avg(trivial, (x) => x.reqPerSec);
  const failures = [...trivial, ...catalog].reduce((s, x) => s + x.non2xx + x.errors, 0);
  const report = {
    part: "foundation",
    database: process.env.BENCH_DATABASE_URL ? "postgres" : "pglite",
    connections: CONNECTIONS,
    durationS: DURATION_S,
    rounds: ROUNDS,
    trivial,
    catalog,
    ratio: Number(ratio.toFixed(3)),
    target: ">= 0.5",
    failures,
  };
  console.log("\nFoundation: authenticated models(first: 20) vs unauthenticated { __typename }");
  console.log(`  machine: ${os.cpus().length} cores, ${CONNECTIONS} connections, ${ROUNDS} x ${DURATION_S} s each`);
  for (let i = 0; i < ROUNDS; i++) {
    console.log(
      `  round ${i + 1}: { __typename } ${trivial[i].reqPerSec} req/s (p99 ${trivial[i].p99Ms} ms)` +
        ` | models(first: 20) ${catalog[i].reqPerSec} req/s (p99 ${catalog[i].p99Ms} ms)`,
    );
  }
  console.log(
    `  throughput ratio catalog/trivial: ${ratio.toFixed(2)} (target >= 0.50) ${ratio >= 0.5 ? "MET" : "MISSED"}`,
  );
  console.log(
    `  p99 ratio catalog/trivial: ${(avg(catalog, (x) => x.p99Ms) / avg(trivial, (x) => x.p99Ms)).toFixed(2)}`,
  );
  if (failures) console.log(`  !! ${failures} failed requests during the run`);
  fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
  fs.writeFileSync(path.join(root, "bench-results", "foundation.json"), `${JSON.stringify(report, null, 2)}\n`);
} finally {
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
