// IMAGE_EMBEDDING, the task added through CONTRIBUTING.md's "A task" steps: published through
// the public upload + publish path with a model built here, called with embedImage, compared
// with the same model run directly on the same pixels.
import { buildOnnxModel } from "@modelmarket/onnx";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyClient,
  errorCode,
  FREE_PLAN,
  signUpTenant,
  startTestApi,
  subscribeTo,
  type TestApi,
  type TestTenant,
  usedUnits,
} from "./harness";

const SIZE = 32;
const DIM = 8;
// A fixed projection of the per-channel means and the image's brightest corner: a small,
// deterministic image encoder whose output depends on where each pixel lands.
const WEIGHTS = Array.from({ length: 3 * DIM }, (_, i) => Math.sin(i * 1.7) * 2);
const MEAN = [0.5, 0.4, 0.3];
const STD = [0.25, 0.2, 0.3];

function encoder(outputRank: 2 | 3 = 2): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: "pixel_values", elemType: "FLOAT", shape: ["batch", 3, SIZE, SIZE] }],
    outputs: [
      { name: "image_embeds", elemType: "FLOAT", shape: outputRank === 2 ? ["batch", DIM] : ["batch", 1, DIM] },
    ],
    initializers: [
      { name: "w", dims: [3, DIM], floatData: WEIGHTS },
      { name: "shape3", dims: [3], int64Data: [-1, 1, DIM] },
    ],
    nodes: [
      {
        opType: "ReduceMean",
        inputs: ["pixel_values"],
        outputs: ["means"],
        attributes: [
          { name: "axes", type: 7, ints: [2, 3] },
          { name: "keepdims", type: 2, i: 0 },
        ],
      },
      { opType: "MatMul", inputs: ["means", "w"], outputs: outputRank === 2 ? ["image_embeds"] : ["flat"] },
      ...(outputRank === 3 ? [{ opType: "Reshape", inputs: ["flat", "shape3"], outputs: ["image_embeds"] }] : []),
    ],
  });
}

let api: TestApi;
let publisher: TestTenant;
let consumerTenant: TestTenant;
let consumer: Awaited<ReturnType<typeof apiKeyClient>>;

async function publish(model: Uint8Array, extra: Record<string, unknown> = {}) {
  const upload = await publisher.client.uploadArtifact(model, { fileName: "encoder.onnx" });
  const pre = await publisher.client.uploadArtifact(
    Buffer.from(JSON.stringify({ resize: "stretch", mean: MEAN, std: STD })),
    { kind: "asset", fileName: "preprocessing.json" },
  );
  return publisher.client.raw<{ publishModel: { slug: string; plans: { id: string }[] } }>(
    `mutation($i: PublishModelInput!) { publishModel(input: $i) { slug plans { id } } }`,
    {
      i: {
        name: `encoder ${Math.random().toString(36).slice(2, 8)}`,
        description: "An image encoder built by the test",
        task: "IMAGE_EMBEDDING",
        artifactId: upload.body.id,
        version: "1.0.0",
        assets: { preprocessing: pre.body.id },
        plans: [{ ...FREE_PLAN, includedUnits: 1000, rateLimitPerMinute: 10_000 }],
        ...extra,
      },
    },
  );
}

function randomPng(seed: number): Promise<Buffer> {
  let s = seed >>> 0;
  const next = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s >>> 24;
  };
  const raw = Buffer.alloc(SIZE * SIZE * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = next();
  return sharp(raw, { raw: { width: SIZE, height: SIZE, channels: 3 } })
    .png()
    .toBuffer();
}

async function direct(model: Uint8Array, png: Buffer): Promise<number[]> {
  const raw = await sharp(png).removeAlpha().raw().toBuffer();
  const plane = SIZE * SIZE;
  const chw = new Float32Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) chw[c * plane + p] = ((raw[p * 3 + c] as number) / 255 - MEAN[c]!) / STD[c]!;
  }
  const session = await ort.InferenceSession.create(Buffer.from(model));
  try {
    const out = await session.run({ pixel_values: new ort.Tensor("float32", chw, [1, 3, SIZE, SIZE]) });
    return Array.from(out.image_embeds?.data as Float32Array);
  } finally {
    await session.release();
  }
}

const cosine = (a: number[], b: number[]) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((v, i) => {
    dot += v * (b[i] as number);
    na += v * v;
    nb += (b[i] as number) ** 2;
  });
  return dot / Math.sqrt(na * nb);
};

beforeAll(async () => {
  api = await startTestApi({}, { inference: true });
  publisher = await signUpTenant(api, "Encoder maker");
  consumerTenant = await signUpTenant(api, "Searcher");
  consumer = await apiKeyClient(api, consumerTenant, ["inference"]);
}, 120_000);
afterAll(() => api?.close());

describe("IMAGE_EMBEDDING", () => {
  it("happy: published through upload + publish, embedImage equals the direct run (cosine ≥ 0.999) for every image, one unit each", async () => {
    const model = encoder();
    const { body } = await publish(model);
    expect(body.errors).toBeUndefined();
    const published = body.data?.publishModel as { slug: string; plans: { id: string }[] };
    await subscribeTo(consumerTenant, published.slug, published.plans[0]?.id);
    const pngs = await Promise.all([1, 2, 3, 4, 5].map(randomPng));
    const res = await consumer.client.raw<{ embedImage: { dimensions: number; values: number[]; base64: string }[] }>(
      `mutation($m: String!, $i: [ImageInput!]!) { embedImage(model: $m, images: $i) { dimensions values base64 } }`,
      { m: published.slug, i: pngs.map((p) => ({ base64: p.toString("base64") })) },
    );
    expect(res.body.errors).toBeUndefined();
    const vectors = res.body.data?.embedImage ?? [];
    expect(vectors).toHaveLength(5);
    for (const [i, png] of pngs.entries()) {
      const got = vectors[i] as { dimensions: number; values: number[]; base64: string };
      const want = await direct(model, png);
      expect(got.dimensions).toBe(DIM);
      expect(cosine(got.values, want)).toBeGreaterThanOrEqual(0.999);
      for (const [d, v] of got.values.entries()) expect(v).toBeCloseTo(want[d] as number, 4);
      const bytes = Buffer.from(got.base64, "base64");
      const floats = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
      expect(floats).toEqual(got.values.map((v) => Math.fround(v)));
    }
    // Different images, different vectors: the answer is not a constant.
    expect(cosine(vectors[0]?.values ?? [], vectors[1]?.values ?? [])).toBeLessThan(0.999999);
    expect(await usedUnits(consumerTenant, published.slug)).toBe(5);
  });

  it("error: a graph whose first output is not [batch, dim] is refused at publish, naming the output", async () => {
    const { body } = await publish(encoder(3));
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/image_embeds/);
  });

  it("error: examples are refused for IMAGE_EMBEDDING (it takes none), and embedImage on a text model says which task it needs", async () => {
    const { body } = await publish(encoder(), {
      examples: [{ image: (await randomPng(9)).toString("base64"), expect: { label: "x" } }],
    });
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/IMAGE_EMBEDDING takes none/);
    const res = await consumer.client.raw(
      `mutation($m: String!, $i: [ImageInput!]!) { embedImage(model: $m, images: $i) { dimensions } }`,
      { m: "modelmarket/sentiment", i: [{ base64: (await randomPng(3)).toString("base64") }] },
    );
    expect(errorCode(res.body)).toMatch(/BAD_USER_INPUT|FORBIDDEN|NOT_FOUND/);
  });
});
