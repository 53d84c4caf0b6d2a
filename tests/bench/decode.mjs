// Part: image decoding must not stall other tenants (issue 29, finding 1). Tenant A sends two
// calls at a time, each with 24 PNGs of ~300 KB that decode to 6300×6300 16-bit pixels (under
// IMAGE_MAX_PIXELS and the body limit); tenant B meanwhile calls `{ me }` with a session token
// (whose check runs on libuv's thread pool, where decoding used to queue ahead of it) every
// 15 ms. B's p50 and p99 under the flood ÷ B alone at the same pace, alone/loaded interleaved
// over rounds; target ≤ 2×.
import path from "node:path";
import { Worker } from "node:worker_threads";
import { percentile, root } from "./product.mjs";

const { ModelmarketClient } = await import(path.join(root, "packages/sdk/dist/index.js"));
const { default: sharp } = await import("sharp");

const CLASSIFY = `mutation($i: [ImageInput!]!) { classifyImage(model: "modelmarket/math-symbols", images: $i) { label } }`;
const PACE_MS = 15;

const FLOOD = `
const { parentPort, workerData } = require("node:worker_threads");
const { url, key, body } = workerData;
let flooding = true;
let served = 0;
let error = null;
parentPort.on("message", () => (flooding = false));
const attack = async () => {
  while (flooding) {
    const res = await fetch(url + "/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer " + key },
      body,
    });
    const answer = await res.json();
    if (answer.errors) error ??= answer.errors[0].message;
    else served++;
  }
};
Promise.all([attack(), attack()]).then(() => parentPort.postMessage({ served, error }));
`;

async function signUp(anon, name) {
  const res = await anon.request(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
    i: { email: `${name}-${Date.now()}@example.com`, password: "bench-tortoise-harbor-19", tenantName: name },
  });
  return res.signUp.token;
}

/** `{ me }` with a session token every PACE_MS for `ms`; each request's latency. */
async function sessionCalls(url, token, ms) {
  const times = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const started = performance.now();
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "{ me { id } }" }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    const took = performance.now() - started;
    times.push(took);
    await new Promise((r) => setTimeout(r, Math.max(0, PACE_MS - took)));
  }
  return times;
}

export async function runDecode({ url, settings }) {
  const anon = new ModelmarketClient(url);
  const attacker = anon.withToken(await signUp(anon, "decoder"));
  const model = await anon.request(`{ model(slug: "modelmarket/math-symbols") { plans { id monthlyFeeCents } } }`);
  const plan = model.model.plans.find((p) => p.monthlyFeeCents > 0);
  await attacker.request(`mutation($p: ID!) { subscribe(model: "modelmarket/math-symbols", planId: $p) { id } }`, {
    p: plan.id,
  });
  const key = (await attacker.request(`mutation { createApiKey(name: "bench") { secret } }`)).createApiKey.secret;
  const victim = await signUp(anon, "bystander");
  const heavy = await sharp({
    create: { width: 6300, height: 6300, channels: 4, background: { r: 9, g: 120, b: 200, alpha: 1 } },
  })
    .toColourspace("rgb16")
    .png({ compressionLevel: 9 })
    .toBuffer();
  // 20 images: as many as fit the default body limit (GRAPHQL_MAX_BODY_BYTES) in base64.
  const images = Array(20).fill({ base64: heavy.toString("base64") });
  const body = JSON.stringify({ query: CLASSIFY, variables: { i: images } });
  console.log(`decode: ${images.length} × ${Math.round(heavy.length / 1024)} KB PNG, 6300×6300 16-bit each`);

  const windowMs = settings.durationS * 1000;
  const rounds = [];
  let decodedImages = 0;
  let attackError = null;
  for (let round = 0; round < Math.max(3, settings.rounds); round++) {
    const alone = await sessionCalls(url, victim, windowMs / 2);
    // The flood runs in its own thread, so that sending its bodies does not delay the
    // measuring loop here: two calls at a time, each as soon as the last one answered.
    const flood = new Worker(FLOOD, { eval: true, workerData: { url, key, body } });
    await new Promise((r) => setTimeout(r, 1_000)); // the decodes are under way
    const loaded = await sessionCalls(url, victim, windowMs);
    flood.postMessage("stop");
    const outcome = await new Promise((r) => flood.once("message", r));
    // Its message listener (and fetch's kept-alive sockets) would hold the bench open at the end.
    await flood.terminate();
    decodedImages += outcome.served * images.length;
    attackError ??= outcome.error;
    const figure = (times) => ({ p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), n: times.length });
    const a = figure(alone);
    const l = figure(loaded);
    rounds.push({ alone: a, loaded: l, p50Ratio: l.p50Ms / a.p50Ms, p99Ratio: l.p99Ms / a.p99Ms });
    console.log(
      `decode round ${round + 1}: session call alone p50 ${a.p50Ms.toFixed(1)} / p99 ${a.p99Ms.toFixed(1)} ms; ` +
        `while another tenant decodes p50 ${l.p50Ms.toFixed(1)} / p99 ${l.p99Ms.toFixed(1)} ms ` +
        `→ ${(l.p50Ms / a.p50Ms).toFixed(2)}× / ${(l.p99Ms / a.p99Ms).toFixed(2)}× (target ≤ 2×)`,
    );
  }
  const spread = (key) => {
    const values = rounds.map((r) => r[key]).sort((x, y) => x - y);
    return { min: values[0], median: values[Math.floor(values.length / 2)], max: values[values.length - 1] };
  };
  if (attackError) console.log(`decode: the flood's calls were refused: ${attackError}`);
  const report = { rounds, p50Ratio: spread("p50Ratio"), p99Ratio: spread("p99Ratio"), decodedImages, targetRatio: 2 };
  console.log(
    `decode: session call under a decode flood ÷ alone — p50 ${report.p50Ratio.median.toFixed(2)}× ` +
      `(${report.p50Ratio.min.toFixed(2)}–${report.p50Ratio.max.toFixed(2)}), p99 ${report.p99Ratio.median.toFixed(2)}× ` +
      `(${report.p99Ratio.min.toFixed(2)}–${report.p99Ratio.max.toFixed(2)}); ${decodedImages} large images decoded meanwhile`,
  );
  return report;
}
