// GPU pools without a GPU: the settings each tenant's worker gets (device, memory cap, MPS
// limits), the start-time validation against the machine's devices (read from a stand-in
// nvidia-smi), and the memory watch stopping one tenant's real worker process past its cap while
// another tenant keeps being served. The CUDA path itself runs in `npm run gpu:check` on a GPU.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildOnnxModel } from "@modelmarket/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadInferenceEnv } from "../src/env";
import {
  checkGpuSettings,
  type GpuDevice,
  GpuMemoryWatch,
  type GpuSettings,
  readGpuInventory,
  readGpuProcessMemory,
  tenantGpuEnv,
} from "../src/gpu";
import type { RunningInference } from "../src/server";
import { storeModel } from "./model-store";
import { startTestTier } from "./test-tier";

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const A = "tnt_01aaaaaaaaaaaaaaaaaaaaaaaa";
const B = "tnt_01bbbbbbbbbbbbbbbbbbbbbbbb";
const H100: GpuDevice = {
  index: 0,
  uuid: "GPU-1f2e3d4c-0000-1111-2222-333344445555",
  name: "NVIDIA H100 80GB HBM3",
  memoryBytes: 80 * GIB,
  migs: ["MIG-7a8b9c0d-aaaa-bbbb-cccc-ddddeeeeffff"],
};

const shared = (overrides: Partial<GpuSettings> = {}): GpuSettings => ({
  device: "0",
  sharing: "mps",
  memoryBytes: 2 * GIB,
  overrides: new Map([[B, 8 * GIB]]),
  computePercent: 25,
  ...overrides,
});

describe("GPU settings", () => {
  it("happy: a cuda tier reads its device, sharing, caps and per-tenant overrides; batches are larger than on CPU", () => {
    const env = loadInferenceEnv({
      INFERENCE_EXECUTION_PROVIDER: "cuda",
      INFERENCE_GPU_DEVICE: H100.migs[0],
      INFERENCE_GPU_SHARING: "time-slicing",
      INFERENCE_GPU_MEMORY_BYTES: String(2 * GIB),
      INFERENCE_GPU_MEMORY_OVERRIDES: `${B}=8GiB, ${A}=512MiB`,
    });
    expect(env.gpu).toMatchObject({ device: H100.migs[0], sharing: "time-slicing", memoryBytes: 2 * GIB });
    expect([...(env.gpu?.overrides ?? [])]).toEqual([
      [B, 8 * GIB],
      [A, 512 * MIB],
    ]);
    expect(env.maxBatchRows).toEqual({ text: 128, image: 64 });
    const cpu = loadInferenceEnv({});
    expect(cpu.gpu).toBeNull();
    expect(cpu.maxBatchRows).toEqual({ text: 32, image: 16 });
  });

  it("error: a malformed device or override stops the start, naming the setting", () => {
    expect(() => loadInferenceEnv({ INFERENCE_EXECUTION_PROVIDER: "cuda", INFERENCE_GPU_DEVICE: "../dev" })).toThrow(
      /INFERENCE_GPU_DEVICE/,
    );
    expect(() =>
      loadInferenceEnv({ INFERENCE_EXECUTION_PROVIDER: "cuda", INFERENCE_GPU_MEMORY_OVERRIDES: `${A}=lots` }),
    ).toThrow(/INFERENCE_GPU_MEMORY_OVERRIDES.*tenantId=bytes/s);
  });

  it("security: each tenant's worker sees only the pool's device, and under MPS gets its own memory and SM limits", () => {
    expect(tenantGpuEnv(shared({ sharing: "exclusive", memoryBytes: null }), A)).toEqual({ CUDA_VISIBLE_DEVICES: "0" });
    expect(tenantGpuEnv(shared(), A)).toEqual({
      CUDA_VISIBLE_DEVICES: "0",
      CUDA_MPS_PINNED_DEVICE_MEM_LIMIT: "0=2048M",
      CUDA_MPS_ACTIVE_THREAD_PERCENTAGE: "25",
    });
    // A tenant's own cap (its plan's) wins over the pool's default.
    expect(tenantGpuEnv(shared(), B).CUDA_MPS_PINNED_DEVICE_MEM_LIMIT).toBe("0=8192M");
  });

  it("error: no GPU, an unknown device, a cap larger than the device, or a shared pool without caps are refused with what is wrong", () => {
    expect(checkGpuSettings(shared(), null)).toEqual([expect.stringMatching(/no NVIDIA GPU is visible/)]);
    expect(checkGpuSettings(shared({ device: "3" }), [H100])[0]).toMatch(/INFERENCE_GPU_DEVICE=3 is not .*GPU-1f2e/);
    expect(checkGpuSettings(shared({ memoryBytes: 96 * GIB }), [H100])[0]).toMatch(
      /98304 MiB\) is larger than NVIDIA H100/,
    );
    expect(checkGpuSettings(shared({ memoryBytes: null }), [H100])).toEqual([
      expect.stringMatching(/INFERENCE_GPU_SHARING=mps needs INFERENCE_GPU_MEMORY_BYTES/),
    ]);
    expect(checkGpuSettings(shared({ device: H100.migs[0] as string }), [H100])).toEqual([]);
    expect(checkGpuSettings(shared({ device: H100.uuid }), [H100])).toEqual([]);
  });

  it("happy: the inventory and per-process memory are read from nvidia-smi's CSV and -L output", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-smi-"));
    const smi = path.join(dir, "nvidia-smi");
    fs.writeFileSync(
      smi,
      [
        "#!/bin/sh",
        'case "$1" in',
        `  --query-gpu=*) echo "0, ${H100.uuid}, ${H100.name}, 81920" ;;`,
        `  -L) printf 'GPU 0: ${H100.name} (UUID: ${H100.uuid})\\n  MIG 1g.10gb     Device  0: (UUID: ${H100.migs[0]})\\n' ;;`,
        '  --query-compute-apps=*) printf "4242, 1536\\n4343, 300\\n" ;;',
        "esac",
      ].join("\n"),
      { mode: 0o755 },
    );
    expect(await readGpuInventory(smi)).toEqual([H100]);
    expect(await readGpuProcessMemory(smi)).toEqual(
      new Map([
        [4242, 1536 * MIB],
        [4343, 300 * MIB],
      ]),
    );
    expect(await readGpuInventory(path.join(dir, "absent"))).toBeNull();
  });
});

describe("npm run gpu:check", () => {
  it("happy: without a GPU it says so in one line and exits 0, pretending nothing", () => {
    const root = path.resolve(__dirname, "..", "..", "..");
    // PATH without nvidia-smi (these machines have none; a GPU machine runs the real checks).
    const out = execFileSync(process.execPath, [path.join(root, "scripts", "gpu-check.mjs")], {
      env: { PATH: "/usr/bin:/bin" },
      encoding: "utf8",
    });
    expect(out.trim().split("\n")).toEqual([
      "gpu:check: no NVIDIA GPU is visible here (nvidia-smi found none); nothing to check.",
    ]);
  });
});

describe("GPU memory watch", () => {
  const SECRET = crypto.randomBytes(32).toString("hex");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-gpu-watch-"));
  const MODEL = storeModel(
    dataDir,
    buildOnnxModel({
      inputs: [{ name: "x", elemType: "FLOAT", shape: ["batch", 2] }],
      outputs: [{ name: "y", elemType: "FLOAT", shape: ["batch", 2] }],
      nodes: [{ opType: "Relu", inputs: ["x"], outputs: ["y"] }],
    }),
  );
  let tier: RunningInference;
  const call = async (tenant: string) => {
    const res = await fetch(`${tier.url}/v2/models/${MODEL}/infer`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${SECRET}`, "x-tenant-id": tenant },
      body: JSON.stringify({ inputs: [{ name: "x", datatype: "FP32", shape: [1, 2], data: [-1, 2] }] }),
    });
    return { status: res.status, body: (await res.json()) as { outputs?: { data: number[] }[] } };
  };

  beforeAll(async () => {
    tier = await startTestTier(dataDir, SECRET);
  });
  afterAll(async () => {
    await tier?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("security: a tenant past its device-memory cap loses its worker alone; the other keeps serving, and the first recovers", async () => {
    expect((await call(A)).body.outputs?.[0]?.data).toEqual([0, 2]);
    expect((await call(B)).body.outputs?.[0]?.data).toEqual([0, 2]);
    const pidA = tier.workers.get(A)?.pid as number;
    const pidB = tier.workers.get(B)?.pid as number;
    expect(pidA).toBeGreaterThan(0);
    // What nvidia-smi would say: A holds 3 GiB (cap 2 GiB), B holds 3 GiB (its own cap: 8 GiB).
    const reported = new Map<string, number>();
    const watch = new GpuMemoryWatch(
      shared({ sharing: "time-slicing" }),
      () => tier.workers.values(),
      async () =>
        new Map([
          [pidA, 3 * GIB],
          [pidB, 3 * GIB],
        ]),
      (tenant, used) => reported.set(tenant, used),
    );
    await watch.check();
    expect(reported).toEqual(
      new Map([
        [A, 3 * GIB],
        [B, 3 * GIB],
      ]),
    );
    expect(tier.workers.get(A)?.pid).toBeUndefined();
    expect(tier.workers.get(B)?.pid).toBe(pidB);
    const metrics = await (
      await fetch(`${tier.url}/metrics`, { headers: { authorization: `Bearer ${SECRET}` } })
    ).text();
    expect(metrics).toMatch(new RegExp(`inference_runs_stopped_total\\{tenant="${A}",reason="gpu_memory"\\} 1`));
    expect(metrics).toMatch(new RegExp(`inference_runs_total\\{tenant="${B}",provider="cpu"\\} 1`));
    // B was never interrupted; A's next request starts a fresh worker.
    expect((await call(B)).status).toBe(200);
    expect((await call(A)).body.outputs?.[0]?.data).toEqual([0, 2]);
    expect(tier.workers.get(A)?.pid).not.toBe(pidA);
  });
});
