// Part: token generation (issue 25). The catalog's generative model (packages/model-zoo/models/
// sotu-gpt) through the tier's generate_stream (HTTP → the tenant's worker process → the
// continuous-batching decode loop) against the same decode loop run directly in this process
// (onnxruntime, no HTTP, no IPC), in interleaved rounds:
//   - time to first token ÷ (prefill + 2 steps) of the direct run        target ≤ 1
//   - tokens/s of one stream ÷ the direct loop's tokens/s                  target ≥ 0.8
//   - tokens/s of 8 concurrent streams of one tenant ÷ one stream          target ≥ 2.5
//   - tenant A's time per token while tenant B runs 8 streams ÷ A alone   target ≤ 1.5
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { percentile, root } from "./product.mjs";

const dist = (p) => import(path.join(root, "apps/inference/dist", p));
const { startInference } = await dist("server.js");
const { loadInferenceEnv } = await dist("env.js");
const { DecodeLoop } = await dist("generation/decode-loop.js");
const { OptimumDecoder, optimumLayout } = await dist("generation/optimum-decoder.js");
const { GREEDY } = await dist("generation/sampling.js");
const ort = (await import("onnxruntime-node")).default ?? (await import("onnxruntime-node"));

const MODEL = path.join(root, "packages/model-zoo/models/sotu-gpt/model.onnx");
const PROMPT = [...Array(32)].map((_, i) => 40 + (i % 50));
const TOKENS = 64;
const TENANT_A = "tnt_01benchaaaaaaaaaaaaaaaaaaa";
const TENANT_B = "tnt_01benchbbbbbbbbbbbbbbbbbbb";

/** One generation run directly: prefill time, then each step's time. */
async function direct(loop) {
  const started = performance.now();
  const stamps = [];
  await new Promise((resolve, reject) =>
    loop.add({
      id: Math.floor(Math.random() * 1e9),
      prompt: PROMPT,
      maxTokens: TOKENS,
      stopTokens: [],
      sampling: GREEDY,
      onToken: () => stamps.push(performance.now()),
      onDone: resolve,
      onError: reject,
    }),
  );
  const steps = stamps.slice(1).map((t, i) => t - (stamps[i] ?? t));
  return {
    ttftMs: (stamps[0] ?? started) - started,
    stepMs: percentile(steps, 50),
    tokensPerS: (stamps.length - 1) / (((stamps.at(-1) ?? 0) - (stamps[0] ?? 0)) / 1000),
  };
}

/** One generate_stream call: time to first token, and tokens/s after it. */
async function stream(url, secret, tenant, name) {
  const started = performance.now();
  const res = await fetch(`${url}/v2/models/${name}/generate_stream`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secret}`, "x-tenant-id": tenant },
    body: JSON.stringify({ input_ids: PROMPT, parameters: { max_tokens: TOKENS } }),
  });
  if (res.status !== 200) throw new Error(`generate_stream answered ${res.status}: ${await res.text()}`);
  const stamps = [];
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of res.body) {
    buffered += decoder.decode(chunk, { stream: true });
    let end = buffered.indexOf("\n\n");
    while (end >= 0) {
      if (buffered.slice(0, end).includes("token_id")) stamps.push(performance.now());
      buffered = buffered.slice(end + 2);
      end = buffered.indexOf("\n\n");
    }
  }
  const span = ((stamps.at(-1) ?? 0) - (stamps[0] ?? 0)) / 1000;
  return {
    ttftMs: (stamps[0] ?? started) - started,
    tokens: stamps.length,
    tokensPerS: (stamps.length - 1) / span,
    perTokenMs: (span * 1000) / Math.max(1, stamps.length - 1),
    wallS: (performance.now() - started) / 1000,
  };
}

export async function runGeneration({ settings }) {
  if (!fs.existsSync(MODEL)) throw new Error(`no ${MODEL}: train it (scripts/generation/train_sotu_gpt.py)`);
  const secret = crypto.randomBytes(16).toString("hex");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-bench-gen-"));
  const bytes = fs.readFileSync(MODEL);
  const name = crypto.createHash("sha256").update(bytes).digest("hex");
  const file = path.join(dataDir, "artifacts", "sha256", name.slice(0, 2), name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  const { default: pino } = await import("pino");
  const tier = await startInference(
    loadInferenceEnv({
      DATA_DIR: dataDir,
      INFERENCE_PORT: "0",
      INFERENCE_SHARED_SECRET: secret,
      INFERENCE_THREADS: "1",
    }),
    pino({ level: "silent" }),
  );
  const session = await ort.InferenceSession.create(MODEL, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const meta = (names, m) => names.map((n, i) => ({ name: n, shape: m[i]?.shape }));
  const layout = optimumLayout(
    meta(session.inputNames, session.inputMetadata),
    meta(session.outputNames, session.outputMetadata),
  );
  const loop = new DecodeLoop(new OptimumDecoder(session, ort, layout, 96, 128), { maxBatch: 16 });
  const rounds = Math.max(3, settings.rounds);
  const rows = [];
  try {
    // Warm both paths (model load, JIT) before measuring.
    await direct(loop);
    await stream(tier.url, secret, TENANT_A, name);
    await stream(tier.url, secret, TENANT_B, name);
    for (let r = 0; r < rounds; r++) {
      const d = await direct(loop);
      const one = await stream(tier.url, secret, TENANT_A, name);
      const eightStarted = performance.now();
      const eight = await Promise.all(Array.from({ length: 8 }, () => stream(tier.url, secret, TENANT_A, name)));
      const eightTokensPerS = eight.reduce((a, s) => a + s.tokens, 0) / ((performance.now() - eightStarted) / 1000);
      const aAlone = await stream(tier.url, secret, TENANT_A, name);
      // Tenant B keeps 8 streams going while A streams once.
      let flooding = true;
      const flood = Array.from({ length: 8 }, async () => {
        while (flooding) await stream(tier.url, secret, TENANT_B, name);
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const aLoaded = await stream(tier.url, secret, TENANT_A, name);
      flooding = false;
      await Promise.all(flood);
      const oneWall = TOKENS / one.wallS;
      rows.push({
        ttftRatio: one.ttftMs / (d.ttftMs + 2 * d.stepMs),
        streamVsDirect: one.tokensPerS / d.tokensPerS,
        eightVsOne: eightTokensPerS / oneWall,
        neighbourRatio: aLoaded.perTokenMs / aAlone.perTokenMs,
        raw: { direct: d, one, eightTokensPerS, aAlone: aAlone.perTokenMs, aLoaded: aLoaded.perTokenMs },
      });
      console.log(
        `generation round ${r + 1}: TTFT ${one.ttftMs.toFixed(1)} ms vs prefill+2 steps ${(d.ttftMs + 2 * d.stepMs).toFixed(1)} ms; ` +
          `one stream ${one.tokensPerS.toFixed(0)} tok/s vs direct ${d.tokensPerS.toFixed(0)}; 8 streams ${eightTokensPerS.toFixed(0)} tok/s vs one ${oneWall.toFixed(0)}; ` +
          `A per token ${aAlone.perTokenMs.toFixed(2)} ms alone, ${aLoaded.perTokenMs.toFixed(2)} ms beside B's 8 streams`,
      );
    }
  } finally {
    await session.release();
    await tier.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const spread = (key) => {
    const v = rows.map((r) => r[key]).sort((a, b) => a - b);
    return { median: percentile(v, 50), min: v[0], max: v.at(-1) };
  };
  const report = {
    ttftVsPrefillPlus2Steps: spread("ttftRatio"),
    oneStreamVsDirectLoop: spread("streamVsDirect"),
    eightStreamsVsOne: spread("eightVsOne"),
    neighbourPerTokenRatio: spread("neighbourRatio"),
    rounds: rows,
  };
  const f = (s) => `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
  console.log(
    `generation: TTFT ÷ (prefill + 2 steps) ${f(report.ttftVsPrefillPlus2Steps)} (target ≤ 1); one stream ÷ direct loop ${f(report.oneStreamVsDirectLoop)} (≥ 0.8); ` +
      `8 streams ÷ one ${f(report.eightStreamsVsOne)} (≥ 2.5); A per token beside B's 8 streams ÷ alone ${f(report.neighbourPerTokenRatio)} (≤ 1.5)`,
  );
  return report;
}
