import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildOnnxModel } from "@modelmarket/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningInference } from "../src/server";
import { storeModel } from "./model-store";
import { startTestTier } from "./test-tier";

const SECRET = crypto.randomBytes(32).toString("hex");
const TENANT = "tnt_01dddddddddddddddddddddddd";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-batching-"));
let tier: RunningInference;

const store = (bytes: Uint8Array) => storeModel(dataDir, bytes);

// A text-shaped model: the sum of each row's ids over its real tokens, [batch, 1], through
// an id → value table of 1000 rows (an id ≥ 1000 fails in onnxruntime, like a bad token id).
const SUM = store(
  buildOnnxModel({
    inputs: [
      { name: "input_ids", elemType: "INT64", shape: ["batch", "sequence"] },
      { name: "attention_mask", elemType: "INT64", shape: ["batch", "sequence"] },
    ],
    outputs: [{ name: "sum", elemType: "FLOAT", shape: ["batch", 1] }],
    initializers: [
      { name: "axes", dims: [1], int64Data: [1] },
      { name: "table", dims: [1000], floatData: Array.from({ length: 1000 }, (_, i) => i) },
    ],
    nodes: [
      { opType: "Mul", inputs: ["input_ids", "attention_mask"], outputs: ["masked"] },
      { opType: "Gather", inputs: ["table", "masked"], outputs: ["values"] },
      { opType: "ReduceSum", inputs: ["values", "axes"], outputs: ["sum"] },
    ],
  }),
);

const POLICY = { maxBatchSize: 16, maxQueueDelayMs: 20, padSequences: true };

function textInputs(ids: number[]) {
  return [
    { name: "input_ids", datatype: "INT64", shape: [1, ids.length], data: ids },
    { name: "attention_mask", datatype: "INT64", shape: [1, ids.length], data: ids.map(() => 1) },
  ];
}

async function infer(inputs: unknown[], batching?: unknown) {
  const res = await fetch(`${tier.url}/v2/models/${SUM}/versions/1/infer`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${SECRET}`, "x-tenant-id": TENANT },
    body: JSON.stringify({ inputs, parameters: batching ? { batching } : undefined }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function batchSizes(): Promise<{ count: number; sum: number }> {
  const text = await (await fetch(`${tier.url}/metrics`, { headers: { authorization: `Bearer ${SECRET}` } })).text();
  const count = Number(/inference_batch_size_count\{tenant="[^"]+",model="[^"]+"\} (\d+)/.exec(text)?.[1] ?? 0);
  const sum = Number(/inference_batch_size_sum\{tenant="[^"]+",model="[^"]+"\} (\d+)/.exec(text)?.[1] ?? 0);
  return { count, sum };
}

beforeAll(async () => {
  tier = await startTestTier(dataDir, SECRET);
  await infer(textInputs([1])); // warm the model
});
afterAll(async () => {
  await tier?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("dynamic batching", () => {
  it("happy: concurrent requests of different lengths run as padded batches and each gets its own rows", async () => {
    const before = await batchSizes();
    const rows = Array.from({ length: 12 }, (_, i) => Array.from({ length: 1 + (i % 5) }, (_, j) => i * 10 + j));
    const replies = await Promise.all(rows.map((ids) => infer(textInputs(ids), POLICY)));
    replies.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(r.body.outputs[0].shape).toEqual([1, 1]);
      expect(r.body.outputs[0].data).toEqual([(rows[i] as number[]).reduce((a, b) => a + b, 0)]);
    });
    const after = await batchSizes();
    const runs = after.count - before.count;
    expect(after.sum - before.sum).toBe(12);
    // 12 requests in far fewer session.run calls.
    expect(runs).toBeLessThanOrEqual(4);
  });

  it("error: a request whose ids and mask disagree in length is not padded into a batch; it fails alone", async () => {
    const bad = [
      { name: "input_ids", datatype: "INT64", shape: [1, 2], data: [1, 2] },
      { name: "attention_mask", datatype: "INT64", shape: [1, 3], data: [1, 1, 1] },
    ];
    const replies = await Promise.all([infer(textInputs([4]), POLICY), infer(bad, POLICY)]);
    expect(replies.map((r) => r.status)).toEqual([200, 400]);
    expect(replies[1]?.body.failedIn).toBe("run");
  });

  it("happy: without a policy (or with batching off) each request runs alone", async () => {
    const before = await batchSizes();
    await Promise.all(Array.from({ length: 6 }, (_, i) => infer(textInputs([i, i]))));
    const after = await batchSizes();
    expect(after.count - before.count).toBe(6);
  });

  it("error: a request the model fails on, batched with good ones, fails alone; the others still succeed", async () => {
    const replies = await Promise.all([
      infer(textInputs([5, 5]), POLICY),
      infer(textInputs([3, 5000]), POLICY),
      infer(textInputs([7]), POLICY),
    ]);
    // The model failing inside its graph is the model's error (MODEL_ERROR, 502), not the tier's.
    expect(replies.map((r) => r.status)).toEqual([200, 502, 200]);
    expect(replies[0]?.body.outputs[0].data).toEqual([10]);
    expect(replies[2]?.body.outputs[0].data).toEqual([7]);
  });
});
