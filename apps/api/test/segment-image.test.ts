import { buildOnnxModel, colourSegmenter, type NodeSpec } from "@modelmarket/onnx";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyClient,
  errorCode,
  publishBuiltModel,
  publishTinyModel,
  signUpTenant,
  startTestApi,
  subscribeTo,
  type TestApi,
  type TestTenant,
  usedUnits,
} from "./harness";

const SEGMENT = `mutation($model: String!, $images: [ImageInput!]!) {
  segmentImage(model: $model, images: $images) { width height classes { label classIndex pixelShare } maskPng }
}`;
type Segmented = {
  segmentImage: {
    width: number;
    height: number;
    classes: { label: string; classIndex: number; pixelShare: number }[];
    maskPng: string;
  }[];
};

/**
 * The picture the tests send, 256 × 128: a red square (x 32–96, y 32–96) and a blue one
 * (x 160–224), the rest black. Its true mask, written out: 1 red, 2 blue, 0 elsewhere.
 */
const W = 256;
const H = 128;
const RED = { x: 32, y: 32, size: 64 };
const BLUE = { x: 160, y: 32, size: 64 };
const inside = (r: { x: number; y: number; size: number }, x: number, y: number) =>
  x >= r.x && x < r.x + r.size && y >= r.y && y < r.y + r.size;
const trueClass = (x: number, y: number) => (inside(RED, x, y) ? 1 : inside(BLUE, x, y) ? 2 : 0);

async function picture(): Promise<Buffer> {
  const rgb = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const c = trueClass(x, y);
      if (c === 1) rgb[(y * W + x) * 3] = 255;
      if (c === 2) rgb[(y * W + x) * 3 + 2] = 255;
    }
  }
  return sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
    .png()
    .toBuffer();
}

/** A 1×1 convolution's attributes-free node and its weights: per class, a score from the RGB values. */
const SCORES = {
  // background 0.5 everywhere; red: R − (G + B)/2; blue: B − (R + G)/2.
  weights: [0, 0, 0, 1, -0.5, -0.5, -0.5, -0.5, 1],
  bias: [0.5, 0, 0],
};
const pool = (input: string, output: string): NodeSpec => ({
  opType: "AveragePool",
  inputs: [input],
  outputs: [output],
  attributes: [
    { name: "kernel_shape", type: 7, ints: [4, 4] },
    { name: "strides", type: 7, ints: [4, 4] },
  ],
});

/** NCHW 64×64 in, class scores [1, classes, 16, 16] out: an output 4× smaller than the input, as DeepLab's. */
const scoresModel = colourSegmenter;

/** NHWC 32×32 in, a class-index mask [1, 32, 32] (int64) out. */
function classIndexModel(): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: "image", elemType: "FLOAT", shape: [1, 32, 32, 3] }],
    outputs: [{ name: "mask", elemType: "INT64", shape: [1, 32, 32] }],
    initializers: [
      { name: "W", dims: [3, 3, 1, 1], floatData: SCORES.weights },
      { name: "B", dims: [3], floatData: SCORES.bias },
    ],
    nodes: [
      {
        opType: "Transpose",
        inputs: ["image"],
        outputs: ["nchw"],
        attributes: [{ name: "perm", type: 7, ints: [0, 3, 1, 2] }],
      },
      { opType: "Conv", inputs: ["nchw", "W", "B"], outputs: ["scores"] },
      {
        opType: "ArgMax",
        inputs: ["scores"],
        outputs: ["mask"],
        attributes: [
          { name: "axis", type: 2, i: 1 },
          { name: "keepdims", type: 2, i: 0 },
        ],
      },
    ],
  });
}

/** One channel, the red value pooled: a foreground probability ("selfie" models), [1, 1, 16, 16]. */
function foregroundModel(): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: "pixel_values", elemType: "FLOAT", shape: [1, 3, 64, 64] }],
    outputs: [{ name: "probability", elemType: "FLOAT", shape: [1, 1, 16, 16] }],
    initializers: [{ name: "W", dims: [1, 3, 1, 1], floatData: [1, 0, 0] }],
    nodes: [{ opType: "Conv", inputs: ["pixel_values", "W"], outputs: ["full"] }, pool("full", "probability")],
  });
}

function publishSegmenter(
  tenant: TestTenant,
  model: Uint8Array,
  options: { labels?: string[]; preprocessing?: object; examples?: object[] } = {},
) {
  const assets: Record<string, object> = { labels: options.labels ?? ["background", "red", "blue"] };
  if (options.preprocessing) assets.preprocessing = options.preprocessing;
  return publishBuiltModel(
    tenant,
    "IMAGE_SEGMENTATION",
    model,
    assets,
    options.examples ? { examples: options.examples } : {},
  );
}

/** The answer's mask PNG against the true mask: the share of the caller's pixels that agree. */
async function agreement(maskPng: string, truth: (x: number, y: number) => number): Promise<number> {
  const png = Buffer.from(maskPng, "base64");
  const meta = await sharp(png).metadata();
  expect([meta.format, meta.width, meta.height, meta.channels, meta.depth]).toEqual(["png", W, H, 1, "uchar"]);
  // sharp decodes to sRGB unless told: read the one gray channel as it is.
  const { data } = await sharp(png).toColourspace("b-w").raw().toBuffer({ resolveWithObject: true });
  let same = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (data[y * W + x] === truth(x, y)) same++;
  return same / (W * H);
}

let api: TestApi;
let publisher: TestTenant;
let shop: TestTenant;
let png: string;

beforeAll(async () => {
  api = await startTestApi({}, { inference: true });
  publisher = await signUpTenant(api, "Segments Lab");
  shop = await signUpTenant(api, "Photo Shop");
  png = (await picture()).toString("base64");
});
afterAll(() => api?.close());

async function subscribedKey(slug: string, planId: string | undefined) {
  await subscribeTo(shop, slug, planId);
  return apiKeyClient(api, shop, ["inference"]);
}

describe("segmentImage", () => {
  for (const resize of ["stretch", "letterbox"] as const) {
    it(`happy: class scores 4× smaller than the input come back as a mask in the caller's 256×128 pixels (${resize}), ≥ 99% equal to the true mask`, async () => {
      const published = await publishSegmenter(publisher, scoresModel(), {
        preprocessing: { resize, interpolation: "bilinear" },
      });
      expect(published.body.errors).toBeUndefined();
      const { slug, plans } = published.body.data?.publishModel ?? { slug: "", plans: [] };
      const key = await subscribedKey(slug, plans[0]?.id);
      const before = await usedUnits(shop, slug);
      const { body } = await key.client.raw<Segmented>(SEGMENT, { model: slug, images: [{ base64: png }] });
      expect(body.errors).toBeUndefined();
      const [answer] = body.data?.segmentImage ?? [];
      expect(answer?.width).toBe(W);
      expect(answer?.height).toBe(H);
      expect(await agreement(answer?.maskPng as string, trueClass)).toBeGreaterThanOrEqual(0.99);
      // True shares: each square 64·64 of 256·128 = 0.125, the rest 0.75.
      const share = Object.fromEntries((answer?.classes ?? []).map((c) => [c.label, c.pixelShare]));
      // Largest first; each share within 1% of the truth (the ≥ 99% agreement above bounds it).
      expect(answer?.classes[0]?.label).toBe("background");
      expect(Math.abs(share.background - 0.75)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(share.red - 0.125)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(share.blue - 0.125)).toBeLessThanOrEqual(0.01);
      expect(answer?.classes.find((c) => c.label === "blue")?.classIndex).toBe(2);
      expect(await usedUnits(shop, slug)).toBe(before + 1);
    });
  }

  it("happy: with polygons: true each class's regions come back as outlines in the caller's pixels (the squares within 1.5 px, the background with their holes); a retry with the same Idempotency-Key gets the same answer, billed once", async () => {
    const published = await publishSegmenter(publisher, scoresModel());
    const { slug, plans } = published.body.data?.publishModel ?? { slug: "", plans: [] };
    const key = await subscribedKey(slug, plans[0]?.id);
    const before = await usedUnits(shop, slug);
    const query = `mutation($model: String!, $images: [ImageInput!]!) {
      segmentImage(model: $model, images: $images, polygons: true) {
        classes { label pixelShare polygons { exterior holes } } maskPng
      }
    }`;
    const call = () =>
      fetch(`${api.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${key.secret}`,
          "idempotency-key": `polygons-${slug}`,
        },
        body: JSON.stringify({ query, variables: { model: slug, images: [{ base64: png }] } }),
      }).then((r) => r.json() as Promise<{ data?: { segmentImage: Polygons[] }; errors?: unknown[] }>);
    type Polygons = {
      classes: { label: string; pixelShare: number; polygons: { exterior: number[]; holes: number[][] }[] }[];
      maskPng: string;
    };
    const first = await call();
    expect(first.errors).toBeUndefined();
    const [answer] = first.data?.segmentImage ?? [];
    const byLabel = Object.fromEntries((answer?.classes ?? []).map((c) => [c.label, c.polygons]));
    const bounds = (flat: number[]) => {
      const xs = flat.filter((_, i) => i % 2 === 0);
      const ys = flat.filter((_, i) => i % 2 === 1);
      return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    };
    // Shoelace area of a flat ring.
    const area = (flat: number[]) => {
      let sum = 0;
      for (let i = 0; i < flat.length; i += 2) {
        const j = (i + 2) % flat.length;
        sum += (flat[i] as number) * (flat[j + 1] as number) - (flat[j] as number) * (flat[i + 1] as number);
      }
      return Math.abs(sum / 2);
    };
    for (const [label, square] of [
      ["red", RED],
      ["blue", BLUE],
    ] as const) {
      const polygons = byLabel[label] ?? [];
      expect(polygons, label).toHaveLength(1);
      expect(polygons[0]?.holes).toEqual([]);
      const [x0, y0, x1, y1] = bounds(polygons[0]?.exterior as number[]);
      for (const [got, want] of [
        [x0, square.x],
        [y0, square.y],
        [x1, square.x + square.size],
        [y1, square.y + square.size],
      ]) {
        expect(Math.abs((got as number) - want), label).toBeLessThanOrEqual(1.5);
      }
      expect(Math.abs(area(polygons[0]?.exterior as number[]) / (square.size * square.size) - 1)).toBeLessThan(0.05);
    }
    const background = byLabel.background ?? [];
    expect(background).toHaveLength(1);
    expect(background[0]?.holes).toHaveLength(2);
    // The whole picture, corners cut by half a pixel.
    bounds(background[0]?.exterior as number[]).forEach((got, i) => {
      expect(Math.abs(got - ([0, 0, W, H][i] as number))).toBeLessThanOrEqual(0.5);
    });
    // The retry: the same answer, from the stored call, and one unit billed in all.
    const again = await call();
    expect(again.data).toEqual(first.data);
    expect(await usedUnits(shop, slug)).toBe(before + 1);
    // Without polygons: true, none are computed.
    const plain = await key.client.request<{ segmentImage: { classes: { polygons: unknown }[] }[] }>(
      `mutation($model: String!, $images: [ImageInput!]!) { segmentImage(model: $model, images: $images) { classes { polygons { exterior } } } }`,
      { model: slug, images: [{ base64: png }] },
    );
    expect(plain.segmentImage[0]?.classes.every((c) => c.polygons === null)).toBe(true);
  });

  it("happy: an NHWC model answering class ids (int64 [1, H, W]) and a one-channel foreground probability both come back as masks", async () => {
    const ids = await publishSegmenter(publisher, classIndexModel());
    expect(ids.body.errors).toBeUndefined();
    const idsSlug = ids.body.data?.publishModel.slug as string;
    const fg = await publishSegmenter(publisher, foregroundModel(), { labels: ["background", "red"] });
    expect(fg.body.errors).toBeUndefined();
    const fgSlug = fg.body.data?.publishModel.slug as string;
    // Own use: the publisher calls its own models.
    for (const [slug, truth] of [
      [idsSlug, trueClass],
      [fgSlug, (x: number, y: number) => (trueClass(x, y) === 1 ? 1 : 0)],
    ] as const) {
      const data = await publisher.client.request<Segmented>(SEGMENT, { model: slug, images: [{ base64: png }] });
      expect(await agreement(data.segmentImage[0]?.maskPng as string, truth), slug).toBeGreaterThanOrEqual(0.99);
    }
  });

  it("happy: publish-time examples are answered through the serving path; a wrong one is refused naming the answer", async () => {
    const good = await publishSegmenter(publisher, scoresModel(), {
      examples: [{ image: png, expect: { segments: [{ label: "red", share: 0.125 }, { label: "blue" }] } }],
    });
    expect(good.body.errors).toBeUndefined();
    const wrong = await publishSegmenter(publisher, scoresModel(), {
      examples: [{ image: png, expect: { segments: [{ label: "red", share: 0.5 }] } }],
    });
    expect(errorCode(wrong.body)).toBe("BAD_USER_INPUT");
    expect(wrong.body.errors?.[0]?.message).toMatch(/background 7\d\.\d%/);
    const misfit = await publishSegmenter(publisher, scoresModel(), {
      examples: [{ image: png, expect: { label: "red" } }],
    });
    expect(errorCode(misfit.body)).toBe("BAD_USER_INPUT");
    expect(misfit.body.errors?.[0]?.message).toMatch(/expect\.segments/);
  });

  it("error: outputs that do not fit are refused at publish, naming what is wrong", async () => {
    const cases: [Uint8Array, object, RegExp][] = [
      [scoresModel(), { labels: ["background", "red"] }, /3 class channels .* labels asset has 2/],
      [foregroundModel(), { labels: ["a", "b", "c"] }, /needs two labels/],
      [scoresModel(), { preprocessing: { maskFormat: "class-index" } }, /does not fit output "logits" of type float/],
      [classIndexModel(), { preprocessing: { maskFormat: "scores" } }, /does not fit output "mask" of type int64/],
    ];
    for (const [model, options, message] of cases) {
      const { body } = await publishSegmenter(publisher, model, options);
      expect(errorCode(body), String(message)).toBe("BAD_USER_INPUT");
      expect(body.errors?.[0]?.message).toMatch(message);
    }
  });

  it("error: a non-image and a task mismatch are BAD_USER_INPUT, and neither is billed", async () => {
    const published = await publishSegmenter(publisher, scoresModel());
    const { slug, plans } = published.body.data?.publishModel ?? { slug: "", plans: [] };
    const key = await subscribedKey(slug, plans[0]?.id);
    const before = await usedUnits(shop, slug);
    const text = await key.client.raw(SEGMENT, {
      model: slug,
      images: [{ base64: Buffer.from("hi").toString("base64") }],
    });
    expect(errorCode(text.body)).toBe("BAD_USER_INPUT");
    const other = await publishTinyModel(publisher);
    const mismatch = await publisher.client.raw(SEGMENT, { model: other.slug, images: [{ base64: png }] });
    expect(mismatch.body.errors?.[0]?.message).toMatch(/needs a IMAGE_SEGMENTATION model/);
    expect(await usedUnits(shop, slug)).toBe(before);
  });
});
