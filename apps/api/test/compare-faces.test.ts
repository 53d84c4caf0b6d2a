import { buildOnnxModel } from "@modelmarket/onnx";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyClient,
  errorCode,
  publishBuiltModel,
  signUpTenant,
  startTestApi,
  subscribeTo,
  type TestApi,
  type TestTenant,
  usedUnits,
} from "./harness";

const COMPARE = `mutation($model: String!, $a: ImageInput!, $b: ImageInput!) {
  compareFaces(model: $model, a: $a, b: $b) { cosine threshold sameFace }
}`;
type Compared = { compareFaces: { cosine: number; threshold: number; sameFace: boolean } };

/** A face embedder built here: a 16×16 RGB crop (NHWC, 0..255) flattened and projected to 8 dimensions. */
const SIDE = 16;
const DIM = 8;
let seed = 7;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31 - 0.5;
};
const W = Array.from({ length: SIDE * SIDE * 3 * DIM }, random);

function faceEmbedder(): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: "face", elemType: "FLOAT", shape: ["batch", SIDE, SIDE, 3] }],
    outputs: [{ name: "embedding", elemType: "FLOAT", shape: ["batch", DIM] }],
    initializers: [
      { name: "W", dims: [SIDE * SIDE * 3, DIM], floatData: W },
      { name: "flat", dims: [2], int64Data: [-1, SIDE * SIDE * 3] },
    ],
    nodes: [
      { opType: "Reshape", inputs: ["face", "flat"], outputs: ["x"] },
      { opType: "MatMul", inputs: ["x", "W"], outputs: ["embedding"] },
    ],
  });
}

/** A synthetic "face": RGB values from a pattern, as raw pixels and as a PNG. */
async function face(pattern: (x: number, y: number, c: number) => number) {
  const raw = Buffer.alloc(SIDE * SIDE * 3);
  for (let y = 0; y < SIDE; y++)
    for (let x = 0; x < SIDE; x++) for (let c = 0; c < 3; c++) raw[(y * SIDE + x) * 3 + c] = pattern(x, y, c);
  const png = await sharp(raw, { raw: { width: SIDE, height: SIDE, channels: 3 } })
    .png()
    .toBuffer();
  return { raw, base64: png.toString("base64") };
}

/** The reference written out: the embedding as the graph computes it, and the cosine of two. */
function embed(raw: Buffer): number[] {
  const out = new Array<number>(DIM).fill(0);
  for (let i = 0; i < raw.length; i++)
    for (let d = 0; d < DIM; d++) out[d] += (raw[i] as number) * (W[i * DIM + d] as number);
  return out;
}
function cosine(a: number[], b: number[]): number {
  const dot = a.reduce((s, v, i) => s + v * (b[i] as number), 0);
  return dot / Math.sqrt(a.reduce((s, v) => s + v * v, 0) * b.reduce((s, v) => s + v * v, 0));
}

let api: TestApi;
let publisher: TestTenant;
let faces: Record<"alice" | "aliceAgain" | "bob", Awaited<ReturnType<typeof face>>>;
let threshold: number;

const CARD = { intendedUse: "Unlocking a door for enrolled members who agreed to it; never to identify strangers." };

function publishFaceModel(tenant: TestTenant, preprocessing: object, card: object | null = CARD) {
  return publishBuiltModel(tenant, "FACE_EMBEDDING", faceEmbedder(), { preprocessing }, card ? { card } : {});
}

beforeAll(async () => {
  api = await startTestApi({}, { inference: true });
  publisher = await signUpTenant(api, "Face Lab");
  faces = {
    alice: await face((x, y, c) => (x * 13 + y * 3 + c * 40) % 256),
    // The same pattern a little brighter, as another photo of the same person would be.
    aliceAgain: await face((x, y, c) => Math.min(255, ((x * 13 + y * 3 + c * 40) % 256) + 6)),
    bob: await face((x, y, c) => (y * 29 + ((x * x) % 17) * 9 + (2 - c) * 70) % 256),
  };
  const same = cosine(embed(faces.alice.raw), embed(faces.aliceAgain.raw));
  const other = cosine(embed(faces.alice.raw), embed(faces.bob.raw));
  expect(same).toBeGreaterThan(other);
  threshold = Number(((same + other) / 2).toFixed(4));
});
afterAll(() => api?.close());

describe("compareFaces", () => {
  it("happy: the cosine of the two faces' vectors equals the reference computed here; same face at or above the documented threshold; two units", async () => {
    const published = await publishFaceModel(publisher, {
      pixelRange: [0, 255],
      interpolation: "nearest",
      matchThreshold: threshold,
    });
    expect(published.body.errors).toBeUndefined();
    const { slug, plans } = published.body.data?.publishModel ?? { slug: "", plans: [] };
    const shop = await signUpTenant(api, "Door Lock Co");
    await subscribeTo(shop, slug, plans[0]?.id);
    const key = await apiKeyClient(api, shop, ["inference"]);
    for (const [a, b, same] of [
      ["alice", "aliceAgain", true],
      ["alice", "bob", false],
    ] as const) {
      const { body } = await key.client.raw<Compared>(COMPARE, {
        model: slug,
        a: { base64: faces[a].base64 },
        b: { base64: faces[b].base64 },
      });
      expect(body.errors).toBeUndefined();
      const answer = body.data?.compareFaces;
      expect(answer?.cosine).toBeCloseTo(cosine(embed(faces[a].raw), embed(faces[b].raw)), 4);
      expect(answer?.threshold).toBe(threshold);
      expect(answer?.sameFace, `${a} vs ${b}`).toBe(same);
    }
    expect(await usedUnits(shop, slug)).toBe(4);
  });

  it("error: a face model without a documented threshold is refused at publish, naming matchThreshold", async () => {
    const { body } = await publishFaceModel(publisher, { pixelRange: [0, 255] });
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/matchThreshold/);
  });

  it("error: a face model's card must say its intended use, at publish and on every edit", async () => {
    const bare = await publishFaceModel(publisher, { pixelRange: [0, 255], matchThreshold: 0.5 }, null);
    expect(errorCode(bare.body)).toBe("BAD_USER_INPUT");
    expect(bare.body.errors?.[0]?.extensions).toMatchObject({ field: "card.intendedUse" });
    const published = await publishFaceModel(publisher, { pixelRange: [0, 255], matchThreshold: 0.5 });
    const slug = published.body.data?.publishModel.slug as string;
    const cleared = await publisher.client.raw(
      `mutation($s: String!) { updateModel(model: $s, input: { card: { license: "MIT" } }) { slug } }`,
      { s: slug },
    );
    expect(errorCode(cleared.body)).toBe("BAD_USER_INPUT");
    expect(cleared.body.errors?.[0]?.message).toMatch(/intended use/);
  });

  it("error: a photo that is not an image is BAD_USER_INPUT naming it, and nothing is billed", async () => {
    const published = await publishFaceModel(publisher, { pixelRange: [0, 255], matchThreshold: 0.5 });
    const { slug, plans } = published.body.data?.publishModel ?? { slug: "", plans: [] };
    const shop = await signUpTenant(api, "Gym");
    await subscribeTo(shop, slug, plans[0]?.id);
    const { body } = await shop.client.raw(COMPARE, {
      model: slug,
      a: { base64: faces.alice.base64 },
      b: { base64: Buffer.from("not a photo").toString("base64") },
    });
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/Image 1/);
    expect(await usedUnits(shop, slug)).toBe(0);
  });
});
