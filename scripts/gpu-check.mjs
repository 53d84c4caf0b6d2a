#!/usr/bin/env node
// `npm run gpu:check`: the GPU tier's prepared check, for a machine with an NVIDIA GPU, the
// driver, CUDA 12 + cuDNN 9 and onnxruntime-node's CUDA provider (the GPU image has them all).
// Bounded (each step has a time limit, the whole under 5 minutes once the shipped models are
// built). One line per check; exit 1 when one fails. Without a GPU or the provider it says so in
// one line and exits 0: there is nothing to check, and it does not pretend.
//
//   1. every shipped model loads on CUDA and answers like on CPU (tolerance per model);
//   2. batching throughput on the GPU: 32 rows in one run vs 32 runs of one row;
//   3. per-call overhead through the tier (HTTP + worker process) vs session.run alone;
//   4. two tenants on one device with different memory caps: the one past its cap loses its
//      worker, the other keeps serving.
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, "..");
const dist = (p) => path.join(root, p);
const started = Date.now();
const BUDGET_MS = 5 * 60_000;
const results = [];

function line(ok, name, detail) {
  results.push(ok);
  console.log(`${ok ? "PASS" : "FAIL"} ${name}: ${detail}`);
}

async function within(ms, what, fn) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([fn(), limit]);
  } finally {
    clearTimeout(timer);
  }
}

const { readGpuInventory } = require(dist("apps/inference/dist/gpu.js"));
const { assertExecutionProvider } = require(dist("apps/inference/dist/execution-provider.js"));

const gpus = await readGpuInventory();
if (!gpus?.length) {
  console.log("gpu:check: no NVIDIA GPU is visible here (nvidia-smi found none); nothing to check.");
  process.exit(0);
}
try {
  assertExecutionProvider("cuda");
} catch (error) {
  console.log(`gpu:check: a GPU is visible (${gpus[0].name}) but ${error.message.split(":")[0]}; nothing to check.`);
  process.exit(0);
}
const gpu = gpus[0];
console.log(`gpu:check on ${gpu.name} (${Math.round(gpu.memoryBytes / 2 ** 30)} GiB), device ${gpu.index}`);

const ort = require("onnxruntime-node");
const { inspectOnnx } = require(dist("packages/onnx/dist/index.js"));
const { zooModels } = require(dist("packages/model-zoo/dist/index.js"));

const dataDir = path.resolve(process.env.DATA_DIR ?? "data");
const zoo = await within(240_000, "building the shipped models", () => zooModels(path.join(dataDir, "model-zoo")));

/** Deterministic inputs from a model's signature: batch 1, sequences of 16, images of 256×256. */
function inputsFor(info, batch = 1) {
  const feeds = {};
  for (const input of info.inputs) {
    let symbolic = 0;
    const dims = (input.shape ?? []).map((d) => {
      if (typeof d === "number" && d > 0) return d;
      symbolic++;
      if (symbolic === 1) return batch;
      return input.shape.length === 4 ? 256 : 16;
    });
    const size = dims.reduce((a, b) => a * b, 1);
    if (input.elemType === "int64") {
      feeds[input.name] = new ort.Tensor(
        "int64",
        BigInt64Array.from({ length: size }, () => 1n),
        dims,
      );
    } else if (input.elemType === "int32") {
      feeds[input.name] = new ort.Tensor(
        "int32",
        Int32Array.from({ length: size }, () => 1),
        dims,
      );
    } else {
      feeds[input.name] = new ort.Tensor(
        "float32",
        Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 997) / 997),
        dims,
      );
    }
  }
  return feeds;
}

const TOLERANCE = { "object-detector": 1e-2 };
const maxDiff = (a, b) => {
  let worst = 0;
  for (const [name, t] of Object.entries(a)) {
    if (typeof t.data[0] === "bigint") continue;
    const other = b[name].data;
    for (let i = 0; i < t.data.length; i++) worst = Math.max(worst, Math.abs(t.data[i] - other[i]));
  }
  return worst;
};

// 1. Parity with CPU.
const sessions = new Map();
for (const model of zoo) {
  try {
    await within(60_000, `${model.name} on CUDA`, async () => {
      const info = inspectOnnx(fs.readFileSync(model.modelPath));
      const cuda = await ort.InferenceSession.create(model.modelPath, {
        executionProviders: [{ name: "cuda", deviceId: 0 }],
      });
      const cpu = await ort.InferenceSession.create(model.modelPath, { executionProviders: ["cpu"] });
      const feeds = inputsFor(info);
      const diff = maxDiff(await cpu.run(feeds), await cuda.run(feeds));
      const tolerance = TOLERANCE[model.name] ?? 1e-3;
      sessions.set(model.name, { cuda, info, path: model.modelPath });
      await cpu.release();
      line(
        diff <= tolerance,
        `parity ${model.name}`,
        `max |cuda − cpu| = ${diff.toExponential(2)} (tolerance ${tolerance})`,
      );
    });
  } catch (error) {
    line(false, `parity ${model.name}`, error.message);
  }
}

// 2. Batching throughput on the GPU.
const encoder = sessions.get("sentence-encoder");
if (encoder) {
  try {
    await within(60_000, "batching", async () => {
      const one = inputsFor(encoder.info, 1);
      const many = inputsFor(encoder.info, 32);
      for (let i = 0; i < 5; i++) await encoder.cuda.run(one); // warm-up
      let t = performance.now();
      for (let i = 0; i < 32; i++) await encoder.cuda.run(one);
      const single = performance.now() - t;
      t = performance.now();
      await encoder.cuda.run(many);
      const batched = performance.now() - t;
      line(
        single / batched > 2,
        "batching",
        `32 rows: ${single.toFixed(1)} ms one by one, ${batched.toFixed(1)} ms as one batch (${(single / batched).toFixed(1)}×)`,
      );
    });
  } catch (error) {
    line(false, "batching", error.message);
  }
}

// 3 and 4 go through a real tier on this GPU.
const tierDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-gpu-check-"));
const store = (file) => {
  const bytes = fs.readFileSync(file);
  const sha = crypto.createHash("sha256").update(bytes).digest("hex");
  const target = path.join(tierDir, "artifacts", "sha256", sha.slice(0, 2), sha);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, bytes);
  return sha;
};
const secret = crypto.randomBytes(32).toString("hex");
const { loadInferenceEnv } = require(dist("apps/inference/dist/env.js"));
const { startInference } = require(dist("apps/inference/dist/server.js"));
const pino = require("pino");
const SMALL = "tnt_01gpuchecksmall00000000000";
const LARGE = "tnt_01gpuchecklarge00000000000";
const tier = await startInference(
  loadInferenceEnv({
    DATA_DIR: tierDir,
    INFERENCE_PORT: "0",
    INFERENCE_SHARED_SECRET: secret,
    INFERENCE_EXECUTION_PROVIDER: "cuda",
    INFERENCE_GPU_DEVICE: String(gpu.index),
    INFERENCE_GPU_SHARING: "time-slicing",
    INFERENCE_GPU_MEMORY_BYTES: String(8 * 2 ** 30),
    // A CUDA context alone takes more than 64 MiB: the small tenant must hit its cap.
    INFERENCE_GPU_MEMORY_OVERRIDES: `${SMALL}=64MiB,${LARGE}=8GiB`,
    INFERENCE_GPU_WATCH_MS: "200",
    LOG_LEVEL: "silent",
  }),
  pino({ level: "silent" }),
);
const toWire = (feeds) =>
  Object.entries(feeds).map(([name, t]) => ({
    name,
    datatype: t.type === "int64" ? "INT64" : t.type === "int32" ? "INT32" : "FP32",
    shape: t.dims,
    data: Array.from(t.data, Number),
  }));
async function infer(model, inputs, tenant) {
  const res = await fetch(`${tier.url}/v2/models/${model}/infer`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secret}`, "x-tenant-id": tenant },
    body: JSON.stringify({ inputs }),
  });
  return { status: res.status, body: await res.json() };
}

try {
  if (encoder) {
    await within(60_000, "tier overhead", async () => {
      const model = store(encoder.path);
      const feeds = inputsFor(encoder.info, 1);
      const wire = toWire(feeds);
      await infer(model, wire, LARGE); // load
      const direct = [];
      const through = [];
      for (let i = 0; i < 50; i++) {
        let t = performance.now();
        await encoder.cuda.run(feeds);
        direct.push(performance.now() - t);
        t = performance.now();
        const { status } = await infer(model, wire, LARGE);
        through.push(performance.now() - t);
        if (status !== 200) throw new Error(`the tier answered ${status}`);
      }
      const p50 = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      line(
        true,
        "tier overhead",
        `p50 ${p50(through).toFixed(2)} ms through the tier vs ${p50(direct).toFixed(2)} ms session.run alone`,
      );
    });
  }
  const detector = sessions.get("object-detector") ?? encoder;
  if (detector) {
    await within(60_000, "memory caps", async () => {
      const model = store(detector.path);
      const wire = toWire(inputsFor(detector.info, 1));
      const small = await infer(model, wire, SMALL);
      await new Promise((r) => setTimeout(r, 1_000)); // a few watch passes
      const again = await infer(model, wire, SMALL);
      const large = [];
      for (let i = 0; i < 5; i++) large.push((await infer(model, wire, LARGE)).status);
      const metrics = await (
        await fetch(`${tier.url}/metrics`, { headers: { authorization: `Bearer ${secret}` } })
      ).text();
      const stopped = new RegExp(`inference_runs_stopped_total\\{tenant="${SMALL}",reason="gpu_memory"\\} [1-9]`).test(
        metrics,
      );
      const largeOk = large.every((s) => s === 200);
      line(
        stopped && largeOk,
        "memory caps",
        `64 MiB tenant: ${stopped ? "worker stopped at its cap" : "NOT stopped"} (answers ${small.status}, ${again.status}); ` +
          `8 GiB tenant: ${large.filter((s) => s === 200).length}/5 answered`,
      );
    });
  }
} catch (error) {
  line(false, "tier", error.message);
} finally {
  await tier.close();
  fs.rmSync(tierDir, { recursive: true, force: true });
}

const failed = results.filter((ok) => !ok).length;
console.log(
  `gpu:check: ${results.length - failed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(0)} s` +
    (Date.now() - started > BUDGET_MS ? " (over the 5-minute budget)" : ""),
);
process.exit(failed ? 1 : 0);
