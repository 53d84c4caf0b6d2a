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
const TENANT_A = "tnt_01aaaaaaaaaaaaaaaaaaaaaaaa";
const TENANT_B = "tnt_01bbbbbbbbbbbbbbbbbbbbbbbb";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-inference-"));
let tier: RunningInference;

const store = (bytes: Uint8Array) => storeModel(dataDir, bytes);

const TOPK = store(
  buildOnnxModel({
    inputs: [
      { name: "scores", elemType: "FLOAT", shape: ["batch", 4] },
      { name: "k", elemType: "INT64", shape: [1] },
    ],
    outputs: [
      { name: "top_scores", elemType: "FLOAT", shape: ["batch", "k"] },
      { name: "top_items", elemType: "INT64", shape: ["batch", "k"] },
    ],
    nodes: [
      {
        opType: "TopK",
        inputs: ["scores", "k"],
        outputs: ["top_scores", "top_items"],
        attributes: [{ name: "axis", type: 2, i: -1 }],
      },
    ],
  }),
);

// Four chained 768×768 MatMuls on a 768-row input: a few hundred ms of CPU per call.
const N = 768;
const SLOW = store(
  buildOnnxModel({
    inputs: [{ name: "x", elemType: "FLOAT", shape: [N, N] }],
    outputs: [{ name: "y", elemType: "FLOAT", shape: [N, N] }],
    initializers: [
      { name: "W", dims: [N, N], floatData: Array.from({ length: N * N }, (_, i) => ((i % 7) - 3) / 1000) },
    ],
    nodes: [
      { opType: "MatMul", inputs: ["x", "W"], outputs: ["h1"] },
      { opType: "MatMul", inputs: ["h1", "W"], outputs: ["h2"] },
      { opType: "MatMul", inputs: ["h2", "W"], outputs: ["h3"] },
      { opType: "MatMul", inputs: ["h3", "W"], outputs: ["y"] },
    ],
  }),
);
const slowInput = { name: "x", datatype: "FP32", shape: [N, N], data: new Array(N * N).fill(0.5) };

async function infer(
  model: string,
  inputs: unknown[],
  { tenant = TENANT_A, secret = SECRET, deadlineMs }: { tenant?: string; secret?: string; deadlineMs?: number } = {},
) {
  const res = await fetch(`${tier.url}/v2/models/${model}/versions/1/infer`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${secret}`,
      "x-tenant-id": tenant,
      ...(deadlineMs ? { "x-deadline-ms": String(deadlineMs) } : {}),
    },
    body: JSON.stringify({ inputs }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const topkInputs = (scores: number[]) => [
  { name: "scores", datatype: "FP32", shape: [1, 4], data: scores },
  { name: "k", datatype: "INT64", shape: [1], data: [2] },
];

beforeAll(async () => {
  tier = await startTestTier(dataDir, SECRET, {
    INFERENCE_QUEUE_LIMIT: "3",
    INFERENCE_DEADLINE_MS: "20000",
    INFERENCE_WORKER_MEMORY_BYTES: String(2 * 1024 ** 3),
  });
});
afterAll(async () => {
  await tier?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("KServe v2 protocol", () => {
  it("happy: health, model metadata and an infer call", async () => {
    expect((await fetch(`${tier.url}/v2/health/ready`)).status).toBe(200);
    const meta = await fetch(`${tier.url}/v2/models/${TOPK}`, {
      headers: { authorization: `Bearer ${SECRET}`, "x-tenant-id": TENANT_A },
    });
    expect(await meta.json()).toMatchObject({
      name: TOPK,
      platform: "onnxruntime_onnx",
      inputs: [
        { name: "scores", datatype: "FP32", shape: [-1, 4] },
        { name: "k", datatype: "INT64", shape: [1] },
      ],
    });
    const { status, body } = await infer(TOPK, topkInputs([0.1, 0.9, 0.3, 0.7]));
    expect(status).toBe(200);
    expect(body.outputs).toEqual([
      { name: "top_scores", datatype: "FP32", shape: [1, 2], data: [expect.closeTo(0.9, 5), expect.closeTo(0.7, 5)] },
      { name: "top_items", datatype: "INT64", shape: [1, 2], data: [1, 3] },
    ]);
  });

  it("security: only the API (shared secret) may call, with a well-formed tenant id; names cannot escape the store", async () => {
    expect((await infer(TOPK, topkInputs([1, 2, 3, 4]), { secret: "guess" })).status).toBe(401);
    expect((await infer(TOPK, topkInputs([1, 2, 3, 4]), { tenant: "../other" })).status).toBe(400);
    expect((await infer("..%2F..%2Fetc%2Fpasswd", topkInputs([1, 2, 3, 4]))).status).toBe(404);
    expect((await infer("0".repeat(64), topkInputs([1, 2, 3, 4]))).status).toBe(404);
  });

  it("security: /metrics (which names tenants) needs the shared secret", async () => {
    expect((await fetch(`${tier.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${tier.url}/metrics`, { headers: { authorization: "Bearer guess" } })).status).toBe(401);
    const ok = await fetch(`${tier.url}/metrics`, { headers: { authorization: `Bearer ${SECRET}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("inference_requests_total");
  });

  it("error: malformed tensors and missing inputs are BAD_USER_INPUT naming the problem", async () => {
    const wrongSize = await infer(TOPK, [{ name: "scores", datatype: "FP32", shape: [1, 4], data: [1, 2] }]);
    expect(wrongSize.status).toBe(400);
    expect(wrongSize.body.error).toMatch(/2 values for shape \[1, 4\]/);
    const missing = await infer(TOPK, [{ name: "scores", datatype: "FP32", shape: [1, 4], data: [1, 2, 3, 4] }]);
    expect(missing.body).toMatchObject({ code: "BAD_USER_INPUT", error: "missing inputs k" });
    const badType = await infer(TOPK, [{ name: "scores", datatype: "COMPLEX", shape: [1], data: [1] }]);
    expect(badType.status).toBe(400);
  });
});

describe("tenant isolation", () => {
  it("happy: a tenant flooding its queue is refused at once (RATE_LIMITED + retry hint) while another tenant is served", async () => {
    let servedA = 0;
    const flood = Array.from({ length: 8 }, () =>
      infer(SLOW, [slowInput], { tenant: TENANT_A }).then((r) => {
        if (r.status === 200) servedA += 1;
        return r;
      }),
    );
    // B calls once A's backlog is queued (a state, not a time).
    while ((tier.workers.get(TENANT_A)?.depth ?? 0) < 2) await new Promise((r) => setTimeout(r, 1));
    const other = await infer(TOPK, topkInputs([4, 3, 2, 1]), { tenant: TENANT_B });
    const servedABeforeB = servedA;
    const results = await Promise.all(flood);
    expect(other.status).toBe(200);
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(3);
    const refused = results.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.body).toMatchObject({ code: "RATE_LIMITED" });
    expect(refused[0]?.body.retryAfterMs).toBeGreaterThan(0);
    // B did not wait for A's backlog: it was answered while A's accepted calls were still
    // queued (an order, not a time: how long B waits is a figure of `npm run bench`).
    expect(servedABeforeB).toBeLessThan(results.filter((r) => r.status === 200).length);
  });

  it("security: kill -9 of one tenant's worker fails only that tenant's in-flight call, then it recovers", async () => {
    await infer(TOPK, topkInputs([1, 2, 3, 4]), { tenant: TENANT_B });
    const inFlight = infer(SLOW, [slowInput], { tenant: TENANT_A });
    // Kill while the call runs: once the worker has it (parsing the 2 MB body takes a while).
    while (!tier.workers.get(TENANT_A)?.isRunning) await new Promise((r) => setTimeout(r, 1));
    const pidA = tier.workers.get(TENANT_A)?.pid;
    const pidB = tier.workers.get(TENANT_B)?.pid;
    expect(pidA).toBeDefined();
    process.kill(pidA as number, "SIGKILL");
    const failed = await inFlight;
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ code: "UNAVAILABLE" });
    expect((await infer(TOPK, topkInputs([1, 2, 3, 4]), { tenant: TENANT_B })).status).toBe(200);
    expect(tier.workers.get(TENANT_B)?.pid).toBe(pidB);
    const again = await infer(TOPK, topkInputs([1, 2, 3, 4]), { tenant: TENANT_A });
    expect(again.status).toBe(200);
    expect(tier.workers.get(TENANT_A)?.pid).not.toBe(pidA);
    const metrics = await (
      await fetch(`${tier.url}/metrics`, { headers: { authorization: `Bearer ${SECRET}` } })
    ).text();
    expect(metrics).toMatch(new RegExp(`inference_worker_restarts_total\\{tenant="${TENANT_A}"\\} [1-9]`));
  });

  it("error: a cold model that cannot load within the deadline says it is warming up (UNAVAILABLE + retry hint)", async () => {
    const tenant = "tnt_01cccccccccccccccccccccccc";
    const ready = () =>
      fetch(`${tier.url}/v2/models/${SLOW}/ready`, {
        headers: { authorization: `Bearer ${SECRET}`, "x-tenant-id": tenant },
      }).then(async (r) => ({ status: r.status, ...((await r.json()) as { ready: boolean }) }));
    // The protocol's answer is the status: 200 ready, 4xx not (yet).
    expect(await ready()).toMatchObject({ status: 400, ready: false });
    const { status, body } = await infer(SLOW, [slowInput], { tenant, deadlineMs: 5 });
    expect(status).toBe(503);
    expect(body).toMatchObject({ code: "UNAVAILABLE" });
    expect(body.error).toMatch(/warming up/);
    expect(body.retryAfterMs).toBeGreaterThan(0);
    // The load goes on: soon the model is ready and answers.
    while (!(await ready()).ready) await new Promise((r) => setTimeout(r, 50));
    expect((await infer(SLOW, [slowInput], { tenant })).status).toBe(200);
  });

  it("error: a call to a warm model that outlasts its deadline is INFERENCE_TIMEOUT", async () => {
    expect((await infer(SLOW, [slowInput], { tenant: TENANT_A })).status).toBe(200);
    const { status, body } = await infer(SLOW, [slowInput], { tenant: TENANT_A, deadlineMs: 20 });
    expect(status).toBe(504);
    expect(body.code).toBe("INFERENCE_TIMEOUT");
  });
});
