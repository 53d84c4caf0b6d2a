// Part 2 (inference tier), all ratios from one run:
// (the per-call overhead against session.run is measured at the same pace in callpath.mjs)
// - batching: embedText throughput at 32 concurrent single-sentence calls, batching on vs
//   off (the tier restarted with INFERENCE_BATCHING=off), target ≥ 1.5×;
// - noisy neighbour: tenant A's p99 while tenant B floods vs A alone, in ≥ 3 rounds, target ≤ 2.0×
//   (issue 26; issue 14 aimed at 1.5×).
import fs from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { percentile, root, secrets, summary } from "./product.mjs";

const { ModelmarketClient } = await import(path.join(root, "packages/sdk/dist/index.js"));
const { createTokenizer } = await import(path.join(root, "packages/tokenizers/dist/index.js"));

const SENTENCE = "The food was great and the staff were lovely, I will come back.";
const CLASSIFY = `mutation($t: [String!]!) { classifyText(model: "modelmarket/sentiment", inputs: $t) { label score } }`;
const EMBED = `mutation($t: [String!]!) { embedText(model: "modelmarket/sentence-encoder", inputs: $t) { values } }`;

async function tenant(anon, name) {
  const signUp = await anon.request(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
    i: {
      email: `${name.replace(/\W/g, "").toLowerCase()}-${Date.now()}@example.com`,
      password: "bench-tortoise-harbor-19",
      tenantName: name,
    },
  });
  const me = anon.withToken(signUp.signUp.token);
  for (const slug of ["modelmarket/sentiment", "modelmarket/sentence-encoder"]) {
    const model = await anon.request(`query($s: String!) { model(slug: $s) { plans { id monthlyFeeCents } } }`, {
      s: slug,
    });
    // The paid plan: overage instead of a quota that the load would exhaust.
    const plan = model.model.plans.find((p) => p.monthlyFeeCents > 0);
    await me.request(`mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`, {
      m: slug,
      p: plan.id,
    });
  }
  const key = await me.request(`mutation { createApiKey(name: "bench") { secret } }`);
  return key.createApiKey.secret;
}

/** Sequential GraphQL calls; returns each call's latency in ms. */
async function sequential(url, key, query, variables, n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    times.push(performance.now() - started);
  }
  return times;
}

function flood(url, key, { connections, durationS, texts }) {
  return autocannon({
    url: `${url}/graphql`,
    method: "POST",
    connections,
    duration: durationS,
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: EMBED, variables: { t: Array(texts).fill(SENTENCE) } }),
  });
}

export async function runInference({ url, dataDir, restart, settings, inferenceUrl }) {
  const { durationS, rounds } = settings;
  const calls = Number(process.env.BENCH_CALLS ?? 200);
  const anon = new ModelmarketClient(url);
  const keyA = await tenant(anon, "Bench A");
  const keyB = await tenant(anon, "Bench B");

  const zoo = path.join(dataDir, "model-zoo", "sentiment");
  const tokenizer = createTokenizer("sentencepiece", fs.readFileSync(path.join(zoo, "vocab.json"), "utf8"));
  const ids = tokenizer.encode(SENTENCE, 256);
  await sequential(url, keyA, CLASSIFY, { t: [SENTENCE] }, 30); // warm-up
  // B warm too, at its flood's shape: otherwise round 1 measures B's worker starting and
  // loading the encoder (a cold start, seconds of CPU), not a flood.
  await sequential(url, keyB, EMBED, { t: Array(16).fill(SENTENCE) }, 5);

  // Noisy neighbour, in rounds: A's sequential calls alone, then while B floods with
  // 16-sentence calls; each round's p99 ratio, so the spread across rounds shows.
  const neighbourRounds = [];
  for (let round = 0; round < Math.max(3, rounds); round++) {
    const alone = await sequential(url, keyA, CLASSIFY, { t: [SENTENCE] }, calls);
    const flooding = flood(url, keyB, { connections: 16, durationS: 600, texts: 16 });
    await new Promise((r) => setTimeout(r, 1000));
    const contended = await sequential(url, keyA, CLASSIFY, { t: [SENTENCE] }, calls);
    flooding.stop();
    const floodResult = await flooding;
    neighbourRounds.push({
      aloneP99Ms: round2(percentile(alone, 99)),
      contendedP99Ms: round2(percentile(contended, 99)),
      aloneP50Ms: round2(percentile(alone, 50)),
      contendedP50Ms: round2(percentile(contended, 50)),
      p99Ratio: round2(percentile(contended, 99) / percentile(alone, 99)),
      floodReqPerSec: Math.round(floodResult.requests.average),
      floodNon2xx: floodResult.non2xx,
    });
  }
  const median = (f) => {
    const sorted = neighbourRounds.map(f).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  const neighbour = {
    rounds: neighbourRounds,
    p99Ratio: median((r) => r.p99Ratio),
    aloneP99Ms: median((r) => r.aloneP99Ms),
    contendedP99Ms: median((r) => r.contendedP99Ms),
    aloneP50Ms: median((r) => r.aloneP50Ms),
    contendedP50Ms: median((r) => r.contendedP50Ms),
    floodReqPerSec: median((r) => r.floodReqPerSec),
  };
  const ratios = neighbourRounds.map((r) => r.p99Ratio).sort((a, b) => a - b);

  // Batching: 32 concurrent single-sentence embedText calls, on then off; through GraphQL,
  // and straight at the tier (KServe infer with the API's batching policy), where the API's
  // own cost does not cap the figure.
  const encoder = await anon.request(`{ model(slug: "modelmarket/sentence-encoder") { latestVersion { sha256 } } }`);
  const tenantId = await tenantIdOf(anon, keyA);
  const tierBody = JSON.stringify({
    inputs: [
      { name: "input_ids", datatype: "INT64", shape: [1, ids.length], data: ids },
      { name: "attention_mask", datatype: "INT64", shape: [1, ids.length], data: ids.map(() => 1) },
    ],
    parameters: { batching: { maxBatchSize: 32, maxQueueDelayMs: 0, padSequences: true } },
  });
  const measure = async (tierUrl) => {
    await flood(url, keyA, { connections: 32, durationS: 2, texts: 1 });
    const graphqlRuns = [];
    const tierRuns = [];
    for (let round = 0; round < rounds; round++) {
      graphqlRuns.push(summary(await flood(url, keyA, { connections: 32, durationS, texts: 1 })));
      const tier = await autocannon({
        url: `${tierUrl}/v2/models/${encoder.model.latestVersion.sha256}/versions/1/infer`,
        method: "POST",
        connections: 32,
        duration: durationS,
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${secrets.INFERENCE_SHARED_SECRET}`,
          "x-tenant-id": tenantId,
        },
        body: tierBody,
      });
      tierRuns.push(summary(tier));
    }
    return { graphqlRuns, tierRuns };
  };
  const on = await measure(inferenceUrl());
  const off = await restart({ INFERENCE_BATCHING: "off" }, () => measure(inferenceUrl()));
  const avg = (xs) => xs.reduce((s, x) => s + x.reqPerSec, 0) / xs.length;
  const batching = {
    on,
    off,
    ratio: round2(avg(on.graphqlRuns) / avg(off.graphqlRuns)),
    tierRatio: round2(avg(on.tierRuns) / avg(off.tierRuns)),
  };

  console.log("\nInference: overhead, batching and noisy neighbour (one run)");
  const rps = (runs) => runs.map((r) => r.reqPerSec).join(" / ");
  console.log(
    `  batching: embedText, 32 concurrent single-sentence calls through GraphQL: on ${rps(on.graphqlRuns)} req/s` +
      ` vs off ${rps(off.graphqlRuns)} req/s → ${batching.ratio}× (target >= 1.5) ${batching.ratio >= 1.5 ? "MET" : "MISSED"}`,
  );
  console.log(
    `            the same at the tier (KServe infer, no API): on ${rps(on.tierRuns)} req/s vs off ${rps(off.tierRuns)} req/s → ${batching.tierRatio}×`,
  );
  console.log(
    `  noisy neighbour (median of ${ratios.length} rounds): A's p99 ${neighbour.contendedP99Ms} ms while B floods ` +
      `(${neighbour.floodReqPerSec} req/s of 16 sentences) vs ${neighbour.aloneP99Ms} ms alone → ${neighbour.p99Ratio}× ` +
      `(rounds ${ratios[0]}–${ratios[ratios.length - 1]}) (target <= 2.0, issue 26) ${neighbour.p99Ratio <= 2 ? "MET" : "MISSED"};` +
      ` p50 ${neighbour.contendedP50Ms} vs ${neighbour.aloneP50Ms} ms`,
  );
  return { part: "inference", batching, neighbour };
}

async function tenantIdOf(anon, key) {
  const data = await anon.withToken(key).request(`{ me { tenant { id } } }`);
  return data.me.tenant.id;
}

function round2(v) {
  return Number(v.toFixed(2));
}
