import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildOnnxModel } from "../build-onnx";
import { memoryBombModel } from "../test-models";
import { validateInSandbox } from "./validate-in-sandbox";

const LIMITS = { memoryBytes: 1.5 * 2 ** 30, timeoutMs: 30_000 };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-"));
const write = (name: string, bytes: Uint8Array) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
};

describe("validateInSandbox", () => {
  it("happy: loads and runs a sound model, reporting its outputs and peak memory", async () => {
    const file = write(
      "linear.onnx",
      buildOnnxModel({
        inputs: [{ name: "x", elemType: "FLOAT", shape: ["batch", 3] }],
        outputs: [{ name: "y", elemType: "FLOAT", shape: ["batch", 2] }],
        initializers: [{ name: "W", dims: [3, 2], floatData: [1, 2, 3, 4, 5, 6] }],
        nodes: [{ opType: "MatMul", inputs: ["x", "W"], outputs: ["y"] }],
      }),
    );
    const result = await validateInSandbox(file, LIMITS);
    expect(result).toMatchObject({ ok: true, outputs: [{ name: "y", type: "float32", dims: [1, 2] }] });
    if (result.ok) expect(result.peakRssBytes).toBeLessThan(LIMITS.memoryBytes);
  });

  it("security: a memory bomb is refused without harming this process", async () => {
    const before = process.memoryUsage().rss;
    const result = await validateInSandbox(write("bomb.onnx", memoryBombModel(400_000_000)), LIMITS);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe("it needs more than the 1.5 GiB memory cap");
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 2 ** 20);
  });

  it("error: a graph onnxruntime rejects (inconsistent shapes) is refused with its reason", async () => {
    const file = write(
      "broken.onnx",
      buildOnnxModel({
        inputs: [{ name: "x", elemType: "FLOAT", shape: [1, 3] }],
        outputs: [{ name: "y", elemType: "FLOAT", shape: [1, 2] }],
        initializers: [{ name: "W", dims: [5, 2], floatData: Array(10).fill(1) }],
        nodes: [{ opType: "MatMul", inputs: ["x", "W"], outputs: ["y"] }],
      }),
    );
    const result = await validateInSandbox(file, LIMITS);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/onnxruntime failed to (load|run)/);
  });

  it("error: a load that outlasts the time limit is killed and refused", async () => {
    const result = await validateInSandbox(write("slow.onnx", memoryBombModel(1000)), { ...LIMITS, timeoutMs: 5 });
    expect(result).toEqual({ ok: false, reason: "loading and running it took longer than 5 ms" });
  });
});
