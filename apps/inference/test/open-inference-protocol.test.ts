// Conformance of the tier to the Open Inference Protocol (KServe v2, HTTP/REST), written from
// the protocol's text rather than from our client: health, server and model metadata, model
// readiness, inference with JSON tensors (flat or nested data, requested outputs) and the
// binary tensor extension in both directions, and the model repository extension's index and load. A standard client of the protocol can call it.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { decodeBinaryBody, encodeBinaryBody } from "@modelmarket/kserve";
import { buildOnnxModel } from "@modelmarket/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningInference } from "../src/server";
import { storeModel } from "./model-store";
import { startTestTier } from "./test-tier";

const SECRET = crypto.randomBytes(32).toString("hex");
const TENANT = "tnt_01dddddddddddddddddddddddd";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-oip-"));
const auth = { authorization: `Bearer ${SECRET}`, "x-tenant-id": TENANT };
let tier: RunningInference;

// y = x · 2 and the row sums: two FP32 outputs, a variable batch dimension.
const SCALE = storeModel(
  dataDir,
  buildOnnxModel({
    inputs: [{ name: "x", elemType: "FLOAT", shape: ["batch", 3] }],
    outputs: [
      { name: "doubled", elemType: "FLOAT", shape: ["batch", 3] },
      { name: "total", elemType: "FLOAT", shape: ["batch", 1] },
    ],
    initializers: [
      { name: "two", dims: [], floatData: [2] },
      { name: "rows", dims: [1], int64Data: [1] },
    ],
    nodes: [
      { opType: "Mul", inputs: ["x", "two"], outputs: ["doubled"] },
      {
        opType: "ReduceSum",
        inputs: ["x", "rows"],
        outputs: ["total"],
        attributes: [{ name: "keepdims", type: 2, i: 1 }],
      },
    ],
    opset: 13,
  }),
);

// Identity over the datatypes JSON-only servers tend to miss.
const TYPES = storeModel(
  dataDir,
  buildOnnxModel({
    inputs: [
      { name: "half", elemType: "FLOAT16", shape: [2] },
      { name: "u16", elemType: "UINT16", shape: [2] },
      { name: "u32", elemType: "UINT32", shape: [2] },
      { name: "u64", elemType: "UINT64", shape: [2] },
    ],
    outputs: [
      { name: "half_out", elemType: "FLOAT16", shape: [2] },
      { name: "u16_out", elemType: "UINT16", shape: [2] },
      { name: "u32_out", elemType: "UINT32", shape: [2] },
      { name: "u64_out", elemType: "UINT64", shape: [2] },
    ],
    nodes: [
      { opType: "Identity", inputs: ["half"], outputs: ["half_out"] },
      { opType: "Identity", inputs: ["u16"], outputs: ["u16_out"] },
      { opType: "Identity", inputs: ["u32"], outputs: ["u32_out"] },
      { opType: "Identity", inputs: ["u64"], outputs: ["u64_out"] },
    ],
  }),
);

async function postJson(url: string, body: unknown) {
  const res = await fetch(`${tier.url}${url}`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function postBinary(url: string, header: Record<string, unknown>, inputs: any[]) {
  const { body, headerLength } = encodeBinaryBody(header, "inputs", inputs, () => true);
  const res = await fetch(`${tier.url}${url}`, {
    method: "POST",
    headers: {
      ...auth,
      "content-type": "application/octet-stream",
      "inference-header-content-length": String(headerLength),
    },
    body,
  });
  return res;
}

beforeAll(async () => {
  tier = await startTestTier(dataDir, SECRET);
});
afterAll(async () => {
  await tier?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const INFER = `/v2/models/${SCALE}/versions/1/infer`;

describe("Open Inference Protocol: health and metadata", () => {
  it("happy: server live and ready answer 200; server metadata has name, version and extensions", async () => {
    expect((await fetch(`${tier.url}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${tier.url}/v2/health/ready`)).status).toBe(200);
    const meta = (await (await fetch(`${tier.url}/v2`)).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({ name: expect.any(String), version: expect.any(String) });
    expect(meta.extensions).toContain("binary_tensor_data");
  });

  it("happy: model metadata (with and without version) has numeric shapes, -1 for a variable dimension", async () => {
    for (const url of [`/v2/models/${SCALE}`, `/v2/models/${SCALE}/versions/1`]) {
      const res = await fetch(`${tier.url}${url}`, { headers: auth });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        name: SCALE,
        versions: ["1"],
        platform: "onnxruntime_onnx",
        inputs: [{ name: "x", datatype: "FP32", shape: [-1, 3] }],
        outputs: [
          { name: "doubled", datatype: "FP32", shape: [-1, 3] },
          { name: "total", datatype: "FP32", shape: [-1, 1] },
        ],
      });
    }
  });

  it("happy: model ready answers with its status, on both paths; 4xx before the first load, 200 after", async () => {
    const ready = (url: string) => fetch(`${tier.url}${url}`, { headers: auth });
    const cold = await ready(`/v2/models/${TYPES}/versions/1/ready`);
    expect(cold.status).toBeGreaterThanOrEqual(400);
    expect(cold.status).toBeLessThan(500);
    await postJson(INFER, { inputs: [{ name: "x", datatype: "FP32", shape: [1, 3], data: [1, 2, 3] }] });
    expect((await ready(`/v2/models/${SCALE}/ready`)).status).toBe(200);
    expect((await ready(`/v2/models/${SCALE}/versions/1/ready`)).status).toBe(200);
  });

  it("error: an unknown endpoint or model answers a JSON error object, not a page", async () => {
    for (const url of ["/v2/nothing", `/v2/models/${SCALE}/versions/1/nothing`, `/v2/models/${"0".repeat(64)}`]) {
      const res = await fetch(`${tier.url}${url}`, { headers: auth });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/json/);
      expect(await res.json()).toMatchObject({ error: expect.any(String) });
    }
  });
});

describe("Open Inference Protocol: inference with JSON tensors", () => {
  it("happy: the response echoes the request id, names the model and version, and returns every output", async () => {
    const { status, body } = await postJson(INFER, {
      id: "req-42",
      inputs: [{ name: "x", datatype: "FP32", shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }],
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: "req-42", model_name: SCALE, model_version: "1" });
    expect(body.outputs).toEqual([
      { name: "doubled", datatype: "FP32", shape: [2, 3], data: [2, 4, 6, 8, 10, 12] },
      { name: "total", datatype: "FP32", shape: [2, 1], data: [6, 15] },
    ]);
  });

  it("happy: data nested like the shape means the same as flat data", async () => {
    const nested = await postJson(INFER, {
      inputs: [
        {
          name: "x",
          datatype: "FP32",
          shape: [2, 3],
          data: [
            [1, 2, 3],
            [4, 5, 6],
          ],
        },
      ],
    });
    expect(nested.status).toBe(200);
    expect(nested.body.outputs[1]).toMatchObject({ name: "total", data: [6, 15] });
  });

  it("happy: requested outputs only are returned", async () => {
    const { status, body } = await postJson(INFER, {
      inputs: [{ name: "x", datatype: "FP32", shape: [1, 3], data: [1, 1, 1] }],
      outputs: [{ name: "total" }],
    });
    expect(status).toBe(200);
    expect(body.outputs).toEqual([{ name: "total", datatype: "FP32", shape: [1, 1], data: [3] }]);
  });

  it("error: an unknown requested output is a 400 naming it, not an empty answer", async () => {
    const { status, body } = await postJson(INFER, {
      inputs: [{ name: "x", datatype: "FP32", shape: [1, 3], data: [1, 1, 1] }],
      outputs: [{ name: "logits" }],
    });
    expect(status).toBe(400);
    expect(body.error).toMatch(/logits/);
  });

  it("error: a body that is not an inference request is a 400 naming the first problem", async () => {
    for (const [body, where] of [
      [{ inputs: [] }, /inputs/],
      [{ inputs: [{ name: "x", datatype: "FP32", shape: [1.5], data: [1] }] }, /inputs\[0\]\.shape\[0\]/],
      [
        { inputs: [{ name: "x", datatype: "FP32", shape: [1, 3], data: [1, 2, 3] }], outputs: [{}] },
        /outputs\[0\]\.name/,
      ],
    ] as const) {
      const res = await postJson(INFER, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(where);
    }
  });

  it("happy: FP16 and UINT16/32/64 tensors round-trip", async () => {
    const { status, body } = await postJson(`/v2/models/${TYPES}/infer`, {
      inputs: [
        { name: "half", datatype: "FP16", shape: [2], data: [0.5, -2.25] },
        { name: "u16", datatype: "UINT16", shape: [2], data: [0, 65535] },
        { name: "u32", datatype: "UINT32", shape: [2], data: [1, 4294967295] },
        { name: "u64", datatype: "UINT64", shape: [2], data: [0, 2 ** 40] },
      ],
    });
    expect(status).toBe(200);
    expect(body.outputs.map((o: any) => [o.name, o.datatype, o.data])).toEqual([
      ["half_out", "FP16", [0.5, -2.25]],
      ["u16_out", "UINT16", [0, 65535]],
      ["u32_out", "UINT32", [1, 4294967295]],
      ["u64_out", "UINT64", [0, 2 ** 40]],
    ]);
  });

  it("error: a datatype the runtime cannot run (BF16) is refused by name", async () => {
    const { status, body } = await postJson(INFER, {
      inputs: [{ name: "x", datatype: "BF16", shape: [1, 3], data: [1, 1, 1] }],
    });
    expect(status).toBe(400);
    expect(body.error).toMatch(/BF16/);
  });
});

describe("Open Inference Protocol: binary tensor extension", () => {
  it("happy: binary inputs and binary_data_output answer every output in binary after the JSON header", async () => {
    const res = await postBinary(INFER, { id: "bin-1", parameters: { binary_data_output: true } }, [
      { name: "x", datatype: "FP32", shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
    ]);
    expect(res.status).toBe(200);
    const headerLength = Number(res.headers.get("inference-header-content-length"));
    const raw = Buffer.from(await res.arrayBuffer());
    const header = JSON.parse(raw.subarray(0, headerLength).toString("utf8"));
    expect(header.outputs).toEqual([
      { name: "doubled", datatype: "FP32", shape: [2, 3], parameters: { binary_data_size: 24 } },
      { name: "total", datatype: "FP32", shape: [2, 1], parameters: { binary_data_size: 8 } },
    ]);
    // Raw little-endian float32 right after the header, in the header's order.
    const floats = new Float32Array(raw.buffer.slice(raw.byteOffset + headerLength, raw.byteOffset + raw.length));
    expect([...floats]).toEqual([2, 4, 6, 8, 10, 12, 6, 15]);
  });

  it("happy: binary_data on one requested output leaves the others in JSON", async () => {
    const res = await postBinary(
      INFER,
      { outputs: [{ name: "doubled" }, { name: "total", parameters: { binary_data: true } }] },
      [{ name: "x", datatype: "FP32", shape: [1, 3], data: [1, 2, 3] }],
    );
    expect(res.status).toBe(200);
    const decoded = decodeBinaryBody<{ outputs: any[] }>(
      Buffer.from(await res.arrayBuffer()),
      Number(res.headers.get("inference-header-content-length")),
      "outputs",
    );
    expect(decoded.outputs).toEqual([
      { name: "doubled", datatype: "FP32", shape: [1, 3], data: [2, 4, 6] },
      { name: "total", datatype: "FP32", shape: [1, 1], data: [6], parameters: { binary_data_size: 4 } },
    ]);
  });

  it("happy: a JSON request without binary parameters gets a plain JSON response", async () => {
    const res = await fetch(`${tier.url}${INFER}`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ inputs: [{ name: "x", datatype: "FP32", shape: [1, 3], data: [0, 0, 1] }] }),
    });
    expect(res.headers.get("inference-header-content-length")).toBeNull();
    expect(res.headers.get("content-type")).toMatch(/json/);
  });

  it("error: binary sizes that do not match the body or the shape are a 400 saying why", async () => {
    const header = Buffer.from(
      JSON.stringify({
        inputs: [{ name: "x", datatype: "FP32", shape: [1, 3], parameters: { binary_data_size: 100 } }],
      }),
    );
    const send = (body: Buffer, length: number) =>
      fetch(`${tier.url}${INFER}`, {
        method: "POST",
        headers: { ...auth, "inference-header-content-length": String(length) },
        body,
      });
    const past = await send(Buffer.concat([header, Buffer.alloc(12)]), header.length);
    expect(past.status).toBe(400);
    expect(((await past.json()) as { error: string }).error).toMatch(/binary_data_size/);
    const wrongShape = Buffer.from(
      JSON.stringify({ inputs: [{ name: "x", datatype: "FP32", shape: [1, 3], parameters: { binary_data_size: 8 } }] }),
    );
    const short = await send(Buffer.concat([wrongShape, Buffer.alloc(8)]), wrongShape.length);
    expect(short.status).toBe(400);
    expect(((await short.json()) as { error: string }).error).toMatch(/not 3 × 4 bytes/);
    const badLength = await send(header, header.length + 5);
    expect(badLength.status).toBe(400);
  });
});

describe("Open Inference Protocol: model repository extension", () => {
  // y = x: a model no other test loads, so it starts cold.
  const LOADABLE = storeModel(
    dataDir,
    buildOnnxModel({
      inputs: [{ name: "x", elemType: "FLOAT", shape: [1] }],
      outputs: [{ name: "y", elemType: "FLOAT", shape: [1] }],
      nodes: [{ opType: "Identity", inputs: ["x"], outputs: ["y"] }],
    }),
  );
  const ready = () => fetch(`${tier.url}/v2/models/${LOADABLE}/ready`, { headers: auth });

  it("happy: POST /v2/repository/index lists the tenant's models with their state; load makes a cold model ready and listed", async () => {
    const before = await postJson("/v2/repository/index", {});
    expect(before.status).toBe(200);
    expect(Array.isArray(before.body)).toBe(true);
    expect(before.body.map((m: { name: string }) => m.name)).not.toContain(LOADABLE);
    expect((await ready()).status).toBeGreaterThanOrEqual(400);

    const load = await postJson(`/v2/repository/models/${LOADABLE}/load`, {});
    expect(load.status).toBe(200);
    expect((await ready()).status).toBe(200);
    const after = await postJson("/v2/repository/index", { ready: true });
    expect(after.body).toContainEqual({ name: LOADABLE, version: "1", state: "READY", reason: "" });
    for (const item of after.body as unknown as Record<string, unknown>[]) {
      expect(item).toMatchObject({
        name: expect.any(String),
        state: expect.stringMatching(/^(UNKNOWN|READY|UNAVAILABLE|LOADING|UNLOADING)$/),
        reason: expect.any(String),
      });
    }
  });

  it("error: loading an unknown model is a JSON 404; unload is refused saying why; the repository needs the shared secret", async () => {
    const unknown = await postJson(`/v2/repository/models/${"0".repeat(64)}/load`, {});
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: expect.any(String) });
    const unload = await postJson(`/v2/repository/models/${LOADABLE}/unload`, {});
    expect(unload.status).toBe(400);
    expect(unload.body.error).toMatch(/not offered/);
    const anonymous = await fetch(`${tier.url}/v2/repository/index`, {
      method: "POST",
      headers: { "x-tenant-id": TENANT, "content-type": "application/json" },
      body: "{}",
    });
    expect(anonymous.status).toBe(401);
  });
});
