#!/usr/bin/env node
// `npm run bench`: figures as ratios against a baseline measured in the same run on the same
// server, since these machines are shared and noisy. `--part foundation|callpath|inference|metering|portal|decode|generation`
// runs one; BENCH_DATABASE_URL runs the product on PostgreSQL (an empty database) instead of the embedded PGlite.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCallPath } from "./callpath.mjs";
import { runDecode } from "./decode.mjs";
import { runFoundation } from "./foundation.mjs";
import { runGeneration } from "./generation.mjs";
import { runInference } from "./inference.mjs";
import { runMetering } from "./metering.mjs";
import { runPortal } from "./portal.mjs";
import { freePort, root, startProduct, stopProduct } from "./product.mjs";

const { ModelmarketClient } = await import(path.join(root, "packages/sdk/dist/index.js"));

const settings = {
  durationS: Number(process.env.BENCH_DURATION_S ?? 8),
  rounds: Number(process.env.BENCH_ROUNDS ?? 2),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
};
const partArg = process.argv.indexOf("--part");
const parts =
  partArg > 0
    ? [process.argv[partArg + 1]]
    : ["foundation", "callpath", "inference", "metering", "portal", "decode", "generation"];

if (process.env.BENCH_DATABASE_URL) {
  // Each run publishes the catalog again with a fresh data directory (models, artifacts): a
  // database that already holds a catalog points at another run's files, which are gone.
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL });
  await client.connect();
  const { rows } = await client.query(`SELECT to_regclass('public."Model"') IS NOT NULL AS used`);
  await client.end();
  if (rows[0].used) {
    console.error(
      "bench: BENCH_DATABASE_URL must name an empty database (each run publishes the catalog with its own files);" +
        ' create one, e.g. psql -c "CREATE DATABASE bench_2"',
    );
    process.exit(2);
  }
}

const port = await freePort();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-bench-"));
const url = `http://127.0.0.1:${port}`;
console.log(`bench: starting the product (${process.env.BENCH_DATABASE_URL ? "PostgreSQL" : "embedded PGlite"})`);
let server = await startProduct(port, dataDir);
const results = {};
try {
  const anon = new ModelmarketClient(url);
  const signUp = await anon.request(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
    i: { email: `bench-${Date.now()}@example.com`, password: "bench-tortoise-harbor-19", tenantName: "Bench" },
  });
  const owner = anon.withToken(signUp.signUp.token);
  if (parts.includes("foundation")) {
    const key = await owner.request(`mutation { createApiKey(name: "bench", scopes: ["inference"]) { secret } }`);
    results.foundation = await runFoundation({ url, owner, key: key.createApiKey.secret, settings });
  }
  if (parts.includes("portal")) results.portal = await runPortal({ webUrl: server.webUrl, owner, settings });
  // Runs `measure` on the product restarted with `env`, then restores the default product.
  const restart = async (env, measure) => {
    await stopProduct(server);
    server = await startProduct(port, dataDir, env);
    try {
      return await measure();
    } finally {
      await stopProduct(server);
      server = await startProduct(port, dataDir);
    }
  };
  if (parts.includes("callpath")) {
    results.callpath = await runCallPath({
      url,
      dataDir,
      settings,
      inferenceUrl: server.inferenceUrl,
      productPid: server.pid,
    });
  }
  if (parts.includes("decode")) results.decode = await runDecode({ url, settings });
  if (parts.includes("generation")) results.generation = await runGeneration({ settings });
  if (parts.includes("metering")) results.metering = await runMetering({ url, restart, settings });
  if (parts.includes("inference")) {
    results.inference = await runInference({
      url,
      dataDir,
      restart,
      settings,
      inferenceUrl: () => server.inferenceUrl,
    });
  }
  fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
  for (const [part, report] of Object.entries(results)) {
    fs.writeFileSync(
      path.join(root, "bench-results", `${part}${process.env.BENCH_DATABASE_URL ? "-postgres" : ""}.json`),
      `${JSON.stringify({ settings, ...report }, null, 2)}\n`,
    );
  }
} finally {
  await stopProduct(server);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
