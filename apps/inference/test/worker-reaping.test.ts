// The review's finding: one person with a dozen organisations, one free call each, left a
// dozen worker processes (~135 MB each) that never went away. Idle workers are stopped, and a
// node runs at most INFERENCE_MAX_WORKERS.
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
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-reaping-"));
const tenant = (i: number) => `tnt_01${String(i).padStart(24, "r")}`;
let tier: RunningInference;

const ADD = storeModel(
  dataDir,
  buildOnnxModel({
    inputs: [{ name: "x", elemType: "FLOAT", shape: ["batch", 2] }],
    outputs: [{ name: "y", elemType: "FLOAT", shape: ["batch", 2] }],
    initializers: [{ name: "b", dims: [2], floatData: [1, 1] }],
    nodes: [{ opType: "Add", inputs: ["x", "b"], outputs: ["y"] }],
  }),
);

async function call(tenantId: string) {
  const res = await fetch(`${tier.url}/v2/models/${ADD}/versions/1/infer`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${SECRET}`, "x-tenant-id": tenantId },
    body: JSON.stringify({ inputs: [{ name: "x", datatype: "FP32", shape: [1, 2], data: [1, 2] }] }),
  });
  return res.status;
}

const alive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits (bounded) until the condition holds; the order of events is what is checked, not a time. */
async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!condition()) throw new Error(`never happened: ${what}`);
}

beforeAll(async () => {
  tier = await startTestTier(dataDir, SECRET, { INFERENCE_WORKER_IDLE_MS: "400", INFERENCE_MAX_WORKERS: "2" });
});
afterAll(async () => {
  await tier?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("tenant workers are reaped", () => {
  it("security: past INFERENCE_MAX_WORKERS the least recently used idle worker's process is stopped for a new tenant", async () => {
    expect(await call(tenant(1))).toBe(200);
    const first = tier.workers.get(tenant(1))?.pid;
    expect(await call(tenant(2))).toBe(200);
    expect(await call(tenant(3))).toBe(200);
    expect(tier.workers.size).toBeLessThanOrEqual(2);
    expect(tier.workers.has(tenant(1))).toBe(false);
    await until(() => !alive(first), "the evicted worker's process exits");
  });

  it("security: a worker idle past INFERENCE_WORKER_IDLE_MS is stopped; the tenant's next call starts a new one", async () => {
    expect(await call(tenant(4))).toBe(200);
    const pid = tier.workers.get(tenant(4))?.pid;
    expect(alive(pid)).toBe(true);
    await until(() => !tier.workers.has(tenant(4)) && !alive(pid), "the idle worker is stopped");
    expect(await call(tenant(4))).toBe(200);
    expect(tier.workers.get(tenant(4))?.pid).not.toBe(pid);
  });

  it("happy: each live worker's resident memory is in /metrics", async () => {
    // The gauges are refreshed on every reaping pass (a quarter of the idle time); calling
    // keeps the worker alive meanwhile.
    let text = "";
    for (let i = 0; i < 100 && !text.includes(`inference_worker_memory_bytes{tenant="${tenant(5)}"}`); i++) {
      expect(await call(tenant(5))).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
      text = await (await fetch(`${tier.url}/metrics`, { headers: { authorization: `Bearer ${SECRET}` } })).text();
    }
    const bytes = Number(new RegExp(`inference_worker_memory_bytes\\{tenant="${tenant(5)}"\\} (\\d+)`).exec(text)?.[1]);
    expect(bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(text).toMatch(/inference_workers [12]\b/);
  });
});
