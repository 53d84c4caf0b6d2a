// Models as exporters produce them, published through the public upload + publish path and
// called through GraphQL; every answer is compared with a reference computed here, with the
// same recipe written out independently (sharp for the pixels, onnxruntime for the model,
// @huggingface/tokenizers for the ids).

import { Tokenizer } from "@huggingface/tokenizers";
import { buildOnnxModel } from "@modelmarket/onnx";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESAMPLERS } from "../src/tasks/support/resamplers";
import {
  apiKeyClient,
  errorCode,
  FREE_PLAN,
  signUpTenant,
  startTestApi,
  subscribeTo,
  type TestApi,
  type TestTenant,
} from "./harness";

const ROOMY = [{ ...FREE_PLAN, includedUnits: 1_000_000, rateLimitPerMinute: 1_000_000 }];
let api: TestApi;
let publisher: TestTenant;
let consumer: Awaited<ReturnType<typeof apiKeyClient>>;
let consumerTenant: TestTenant;

/** A deterministic generator (the sets are "generated", and the same every run). */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function publish(
  model: Uint8Array,
  task: string,
  assets: Record<string, string | Uint8Array>,
  name: string,
): Promise<{ slug: string; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const upload = await publisher.client.uploadArtifact(model, { fileName: `${name}.onnx` });
  if (upload.status !== 201) throw new Error(JSON.stringify(upload.body));
  const ids: Record<string, string> = {};
  for (const [role, content] of Object.entries(assets)) {
    const res = await publisher.client.uploadArtifact(typeof content === "string" ? Buffer.from(content) : content, {
      kind: "asset",
      fileName: `${role}.json`,
    });
    ids[role] = res.body.id as string;
  }
  const { body } = await publisher.client.raw<{ publishModel: { slug: string; plans: { id: string }[] } }>(
    `mutation($i: PublishModelInput!) { publishModel(input: $i) { slug plans { id } } }`,
    {
      i: {
        name,
        description: `Recipe test: ${name}`,
        task,
        artifactId: upload.body.id,
        version: "1.0.0",
        assets: ids,
        plans: ROOMY,
      },
    },
  );
  if (body.errors) return { slug: "", errors: body.errors as never };
  const published = body.data?.publishModel as { slug: string; plans: { id: string }[] };
  await subscribeTo(consumerTenant, published.slug, published.plans[0]?.id);
  return { slug: published.slug };
}

/** Python's round(): ties to even (torchvision's CenterCrop uses it). */
function pythonRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

async function runDirect(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(Buffer.from(model));
  try {
    return (await session.run(feeds)) as Record<string, ort.Tensor>;
  } finally {
    await session.release();
  }
}

const argmax = (values: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
};

/** Raw RGB pixels → normalised CHW floats, as a publisher's own pipeline does it. */
function toChw(raw: Buffer, width: number, height: number, mean: number[], std: number[]): Float32Array {
  const plane = width * height;
  const out = new Float32Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++)
      out[c * plane + p] = ((raw[p * 3 + c] as number) / 255 - (mean[c] as number)) / (std[c] as number);
  }
  return out;
}

beforeAll(async () => {
  api = await startTestApi({ MAX_INPUTS_PER_CALL: "64" }, { inference: true });
  publisher = await signUpTenant(api, "Exporter");
  consumerTenant = await signUpTenant(api, "Caller");
  consumer = await apiKeyClient(api, consumerTenant, ["inference"]);
}, 120_000);
afterAll(() => api?.close());

describe("image recipes", () => {
  // Which quarter of the input's width is brightest: depends on where the platform puts the
  // image inside the input, so a wrong resize answers wrongly.
  const quarterModel = buildOnnxModel({
    inputs: [{ name: "pixel_values", elemType: "FLOAT", shape: [1, 3, "height", "width"] }],
    outputs: [{ name: "logits", elemType: "FLOAT", shape: [1, 4] }],
    initializers: [{ name: "quarters", dims: [3], int64Data: [1, 4, -1] }],
    nodes: [
      {
        opType: "ReduceMean",
        inputs: ["pixel_values"],
        outputs: ["columns"],
        attributes: [
          { name: "axes", type: 7, ints: [1, 2] },
          { name: "keepdims", type: 2, i: 0 },
        ],
      },
      { opType: "Reshape", inputs: ["columns", "quarters"], outputs: ["binned"] },
      {
        opType: "ReduceMean",
        inputs: ["binned"],
        outputs: ["logits"],
        attributes: [
          { name: "axes", type: 7, ints: [2] },
          { name: "keepdims", type: 2, i: 0 },
        ],
      },
    ],
  });

  it("error: a graph with a symbolic height/width is refused until the preprocessing declares the input size", async () => {
    const refused = await publish(quarterModel, "IMAGE_CLASSIFICATION", { labels: '["q0","q1","q2","q3"]' }, "no size");
    expect(refused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(refused.errors?.[0]?.message).toMatch(/inputSize/);
  });

  it("happy: symbolic height/width + top-left letterbox to a declared size (OCR-style): ≥ 99% agreement with the recipe on 60 images", async () => {
    const H = 32;
    const W = 128;
    const preprocessing = {
      inputSize: { height: H, width: W },
      resize: "letterbox",
      letterbox: { pad: 0, align: "top-left" },
      interpolation: "bilinear",
      mean: [0.5],
      std: [0.5],
    };
    const { slug, errors } = await publish(
      quarterModel,
      "IMAGE_CLASSIFICATION",
      { labels: '["q0","q1","q2","q3"]', preprocessing: JSON.stringify(preprocessing) },
      "ocr strip",
    );
    expect(errors).toBeUndefined();
    const next = random(7);
    let agree = 0;
    const total = 60;
    for (let n = 0; n < total; n++) {
      const height = 20 + Math.floor(next() * 60);
      const width = Math.max(8, Math.floor(height * (0.5 + next() * 3))); // narrower than 4:1
      const barX = Math.floor(next() * (width - 4));
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="black"/><rect x="${barX}" y="0" width="4" height="${height}" fill="white"/></svg>`;
      const png = await sharp(Buffer.from(svg)).png().toBuffer();
      // The recipe: height to 32 keeping the aspect ratio, pad on the right to 128, (x-0.5)/0.5.
      const s = Math.min(W / width, H / height);
      const w = Math.round(width * s);
      const h = Math.round(height * s);
      const raw = await sharp(png)
        .resize(w, h, { fit: "fill", kernel: "linear" })
        .extend({ right: W - w, bottom: H - h, background: { r: 0, g: 0, b: 0, alpha: 1 } })
        .removeAlpha()
        .raw()
        .toBuffer();
      const feeds = {
        pixel_values: new ort.Tensor("float32", toChw(raw, W, H, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]), [1, 3, H, W]),
      };
      const expected = `q${argmax((await runDirect(quarterModel, feeds)).logits?.data as Float32Array)}`;
      const { body } = await consumer.client.raw<{ classifyImage: { label: string }[] }>(
        `mutation($m: String!, $i: [ImageInput!]!) { classifyImage(model: $m, images: $i) { label } }`,
        { m: slug, i: [{ base64: png.toString("base64") }] },
      );
      expect(body.errors).toBeUndefined();
      if (body.data?.classifyImage[0]?.label === expected) agree++;
    }
    expect(agree / total).toBeGreaterThanOrEqual(0.99);
  });

  it("happy: ImageNet recipe (shorter side 256, centre crop 224, per-channel mean/std): ≥ 99% agreement on 50 images", async () => {
    // Which channel is strongest in the centre of the crop, against the per-channel statistics.
    const model = buildOnnxModel({
      inputs: [{ name: "input", elemType: "FLOAT", shape: [1, 3, 224, 224] }],
      outputs: [{ name: "logits", elemType: "FLOAT", shape: [1, 3] }],
      initializers: [
        { name: "starts", dims: [2], int64Data: [56, 56] },
        { name: "ends", dims: [2], int64Data: [168, 168] },
        { name: "axes", dims: [2], int64Data: [2, 3] },
      ],
      nodes: [
        { opType: "Slice", inputs: ["input", "starts", "ends", "axes"], outputs: ["centre"] },
        {
          opType: "ReduceMean",
          inputs: ["centre"],
          outputs: ["logits"],
          attributes: [
            { name: "axes", type: 7, ints: [2, 3] },
            { name: "keepdims", type: 2, i: 0 },
          ],
        },
      ],
    });
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const preprocessing = { resize: "shorter-side-crop", shorterSide: 256, interpolation: "pil-bilinear", mean, std };
    const { slug, errors } = await publish(
      model,
      "IMAGE_CLASSIFICATION",
      { labels: '["red","green","blue"]', preprocessing: JSON.stringify(preprocessing) },
      "imagenet style",
    );
    expect(errors).toBeUndefined();
    const next = random(11);
    let agree = 0;
    const total = 50;
    for (let n = 0; n < total; n++) {
      const width = 120 + Math.floor(next() * 400);
      const height = 120 + Math.floor(next() * 400);
      const colour = () => Math.floor(next() * 256);
      const blob = `rgb(${colour()},${colour()},${colour()})`;
      const frame = `rgb(${colour()},${colour()},${colour()})`;
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${frame}"/><circle cx="${width * (0.3 + next() * 0.4)}" cy="${height * (0.3 + next() * 0.4)}" r="${Math.min(width, height) * 0.25}" fill="${blob}"/></svg>`;
      const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 95 }).toBuffer();
      // torchvision on a PIL image: Resize(256) (the longer side int(256 · long / short), Pillow's
      // antialiased bilinear), CenterCrop(224) (corner round((size − 224) / 2)), Normalize(mean, std).
      const w = width <= height ? 256 : Math.trunc((256 * width) / height);
      const h = width <= height ? Math.trunc((256 * height) / width) : 256;
      const decoded = await sharp(jpeg).removeAlpha().raw().toBuffer();
      const resized = RESAMPLERS["pil-bilinear"](new Uint8Array(decoded), width, height, 3, w, h);
      const raw = await sharp(Buffer.from(resized), { raw: { width: w, height: h, channels: 3 } })
        .extract({ left: pythonRound((w - 224) / 2), top: pythonRound((h - 224) / 2), width: 224, height: 224 })
        .raw()
        .toBuffer();
      const feeds = { input: new ort.Tensor("float32", toChw(raw, 224, 224, mean, std), [1, 3, 224, 224]) };
      const expected = ["red", "green", "blue"][argmax((await runDirect(model, feeds)).logits?.data as Float32Array)];
      const { body } = await consumer.client.raw<{ classifyImage: { label: string }[] }>(
        `mutation($m: String!, $i: [ImageInput!]!) { classifyImage(model: $m, images: $i) { label } }`,
        { m: slug, i: [{ base64: jpeg.toString("base64") }] },
      );
      expect(body.errors).toBeUndefined();
      if (body.data?.classifyImage[0]?.label === expected) agree++;
    }
    expect(agree / total).toBeGreaterThanOrEqual(0.99);
  });

  it("happy: a raw YOLO head [1, 4 + classes, anchors]: score filter, per-class suppression, boxes back in the caller's pixels within 1 px", async () => {
    const S = 320;
    // Anchors in input pixels (cx, cy, w, h) and class scores: 0 = a person at 0.9, 1 = an
    // overlapping weaker person (suppressed), 2 = a boat at 0.8, 3 = a boat below minScore.
    const anchors = [
      [100, 120, 40, 80, 0.9, 0.05],
      [104, 124, 40, 80, 0.6, 0.05],
      [220, 200, 60, 30, 0.1, 0.8],
      [50, 50, 10, 10, 0.1, 0.2],
    ];
    const head = [0, 1, 2, 3, 4, 5].flatMap((channel) => anchors.map((a) => a[channel] as number));
    const model = buildOnnxModel({
      inputs: [{ name: "images", elemType: "FLOAT", shape: [1, 3, S, S] }],
      outputs: [{ name: "output0", elemType: "FLOAT", shape: [1, 6, 4] }],
      initializers: [
        { name: "head", dims: [1, 6, 4], floatData: head },
        { name: "zero", dims: [], floatData: [0] },
      ],
      nodes: [
        {
          opType: "ReduceSum",
          inputs: ["images"],
          outputs: ["total"],
          attributes: [{ name: "keepdims", type: 2, i: 0 }],
        },
        { opType: "Mul", inputs: ["total", "zero"], outputs: ["nothing"] },
        { opType: "Add", inputs: ["head", "nothing"], outputs: ["output0"] },
      ],
    });
    // docs/publishing.md's Ultralytics recipe, as written there.
    const preprocessing = {
      resize: "letterbox",
      letterbox: { pad: 114, align: "center" },
      interpolation: "opencv-linear",
      detectionFormat: "yolo",
      iouThreshold: 0.45,
    };
    const { slug, errors } = await publish(
      model,
      "OBJECT_DETECTION",
      { labels: '["person","boat"]', preprocessing: JSON.stringify(preprocessing) },
      "yolo export",
    );
    expect(errors).toBeUndefined();
    // 50 generated image sizes, wide and tall, each through the letterbox and back.
    const next = random(13);
    let matchedBoth = 0;
    const sizes = Array.from({ length: 50 }, () => [80 + Math.floor(next() * 1200), 80 + Math.floor(next() * 1200)]);
    for (const [width, height] of sizes as [number, number][]) {
      const png = await sharp({ create: { width, height, channels: 3, background: "#406080" } })
        .png()
        .toBuffer();
      const { body } = await consumer.client.raw<{
        detectObjects: {
          objects: { label: string; score: number; box: { x: number; y: number; width: number; height: number } }[];
        }[];
      }>(
        `mutation($m: String!, $i: [ImageInput!]!) { detectObjects(model: $m, images: $i, minScore: 0.3) { objects { label score box { x y width height } } } }`,
        { m: slug, i: [{ base64: png.toString("base64") }] },
      );
      expect(body.errors).toBeUndefined();
      const objects = body.data?.detectObjects[0]?.objects ?? [];
      // The letterbox written out: scale to fit, centred, then back; a box that lies in the
      // padding only (off the image) is no object of the image.
      const s = Math.min(S / width, S / height);
      const padX = Math.floor((S - Math.round(width * s)) / 2);
      const padY = Math.floor((S - Math.round(height * s)) / 2);
      const sx = Math.round(width * s) / width;
      const sy = Math.round(height * s) / height;
      const expected = [
        { label: "person", anchor: anchors[0] as number[] },
        { label: "boat", anchor: anchors[2] as number[] },
      ]
        .map(({ label, anchor }) => {
          const [cx, cy, w, h] = anchor as [number, number, number, number];
          const x1 = Math.max(0, (cx - w / 2 - padX) / sx);
          const y1 = Math.max(0, (cy - h / 2 - padY) / sy);
          const x2 = Math.min(width, (cx + w / 2 - padX) / sx);
          const y2 = Math.min(height, (cy + h / 2 - padY) / sy);
          return { label, x1, y1, x2, y2 };
        })
        .filter((b) => b.x2 > b.x1 && b.y2 > b.y1);
      expect(
        objects.map((o) => o.label),
        `${width}×${height}`,
      ).toEqual(expected.map((e) => e.label));
      for (const [i, e] of expected.entries()) {
        const box = objects[i]?.box as { x: number; y: number; width: number; height: number };
        expect(Math.abs(box.x - e.x1), `${width}×${height} x`).toBeLessThanOrEqual(1);
        expect(Math.abs(box.y - e.y1), `${width}×${height} y`).toBeLessThanOrEqual(1);
        expect(Math.abs(box.x + box.width - e.x2), `${width}×${height} x2`).toBeLessThanOrEqual(1);
        expect(Math.abs(box.y + box.height - e.y2), `${width}×${height} y2`).toBeLessThanOrEqual(1);
      }
      if (expected.length === 2) matchedBoth++;
    }
    // Most sizes keep both objects on the image; the rest check that padding is not an object.
    expect(matchedBoth).toBeGreaterThan(25);
  });

  it("error: a raw YOLO head published as suppressed rows is refused with a hint to declare the format", async () => {
    const model = buildOnnxModel({
      inputs: [{ name: "images", elemType: "FLOAT", shape: [1, 3, 64, 64] }],
      outputs: [{ name: "output0", elemType: "FLOAT", shape: [1, 6, 84] }],
      initializers: [{ name: "head", dims: [1, 6, 84], floatData: new Array(6 * 84).fill(0) }],
      nodes: [{ opType: "Identity", inputs: ["head"], outputs: ["output0"] }],
    });
    const refused = await publish(model, "OBJECT_DETECTION", { labels: '["person","boat"]' }, "yolo unsaid");
    expect(refused.errors?.[0]?.message).toMatch(/detectionFormat/);
  });
});

describe("text recipes", () => {
  // A BERT-style tokenizer.json as `tokenizers` writes it (WordPiece, BERT normaliser and
  // pre-tokeniser, [CLS] $A [SEP] template, truncation at 16) and a config.json with id2label.
  const words = ["good", "bad", "movie", "plot", "the", "was", "not", "great", "awful", "fun", "##s", "##ly"];
  const vocab: Record<string, number> = { "[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4 };
  for (const w of words) vocab[w] = Object.keys(vocab).length;
  const special = (content: string, id: number) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const tokenizerJson = {
    version: "1.0",
    truncation: { direction: "Right", max_length: 16, strategy: "LongestFirst", stride: 0 },
    padding: null,
    added_tokens: [
      special("[PAD]", 0),
      special("[UNK]", 1),
      special("[CLS]", 2),
      special("[SEP]", 3),
      special("[MASK]", 4),
    ],
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } },
        { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [2], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [3], tokens: ["[SEP]"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: "[UNK]",
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab,
    },
  };
  const tokenizerConfig = { do_lower_case: true, model_max_length: 512, tokenizer_class: "BertTokenizer" };
  const config = { architectures: ["BertForSequenceClassification"], id2label: { 0: "NEGATIVE", 1: "POSITIVE" } };
  const library = new Tokenizer(tokenizerJson, tokenizerConfig);
  const GOOD = vocab.good as number;
  const BAD = vocab.bad as number;

  // Counts "good" against "bad" among the (masked) ids.
  const sentiment = buildOnnxModel({
    inputs: [
      { name: "input_ids", elemType: "INT64", shape: ["batch", "sequence"] },
      { name: "attention_mask", elemType: "INT64", shape: ["batch", "sequence"] },
      { name: "token_type_ids", elemType: "INT64", shape: ["batch", "sequence"] },
    ],
    outputs: [{ name: "logits", elemType: "FLOAT", shape: ["batch", 2] }],
    initializers: [
      { name: "good", dims: [], int64Data: [GOOD] },
      { name: "bad", dims: [], int64Data: [BAD] },
      { name: "axis1", dims: [1], int64Data: [1] },
    ],
    nodes: [
      { opType: "Equal", inputs: ["input_ids", "good"], outputs: ["is_good"] },
      { opType: "Equal", inputs: ["input_ids", "bad"], outputs: ["is_bad"] },
      { opType: "Cast", inputs: ["is_good"], outputs: ["g"], attributes: [{ name: "to", type: 2, i: 1 }] },
      { opType: "Cast", inputs: ["is_bad"], outputs: ["b"], attributes: [{ name: "to", type: 2, i: 1 }] },
      {
        opType: "ReduceSum",
        inputs: ["g", "axis1"],
        outputs: ["gs"],
        attributes: [{ name: "keepdims", type: 2, i: 1 }],
      },
      {
        opType: "ReduceSum",
        inputs: ["b", "axis1"],
        outputs: ["bs"],
        attributes: [{ name: "keepdims", type: 2, i: 1 }],
      },
      { opType: "Concat", inputs: ["bs", "gs"], outputs: ["logits"], attributes: [{ name: "axis", type: 2, i: 1 }] },
    ],
  });
  // Echoes the ids it was fed, as floats: what the platform tokenised, visible through embedText.
  const echo = buildOnnxModel({
    inputs: [
      { name: "input_ids", elemType: "INT64", shape: ["batch", "sequence"] },
      { name: "attention_mask", elemType: "INT64", shape: ["batch", "sequence"] },
    ],
    outputs: [{ name: "ids", elemType: "FLOAT", shape: ["batch", "sequence"] }],
    nodes: [{ opType: "Cast", inputs: ["input_ids"], outputs: ["ids"], attributes: [{ name: "to", type: 2, i: 1 }] }],
  });
  const sentence = (next: () => number) =>
    Array.from({ length: 2 + Math.floor(next() * 10) }, () => {
      const w = words[Math.floor(next() * words.length)] as string;
      return w.startsWith("##") ? `${words[0]}${w.slice(2)}` : next() < 0.2 ? w.toUpperCase() : w;
    }).join(" ");

  it("happy: a Hugging Face export (model + tokenizer.json + tokenizer_config + config.json, no preprocessing asset) publishes as it is; ids equal the library's", async () => {
    const { slug, errors } = await publish(
      echo,
      "TEXT_EMBEDDING",
      {
        tokenizer: JSON.stringify(tokenizerJson),
        tokenizer_config: JSON.stringify(tokenizerConfig),
        config: JSON.stringify(config),
      },
      "hf echo",
    );
    expect(errors).toBeUndefined();
    const next = random(3);
    for (let n = 0; n < 20; n++) {
      const text = n === 0 ? Array.from({ length: 30 }, () => "movie").join(" ") : sentence(next);
      const { body } = await consumer.client.raw<{ embedText: { values: number[] }[] }>(
        `mutation($m: String!, $t: [String!]!) { embedText(model: $m, inputs: $t) { values } }`,
        { m: slug, t: [text] },
      );
      expect(body.errors).toBeUndefined();
      const ids = library.encode(text).ids;
      // Truncated as the file declares (16), keeping [SEP] last.
      const expected = ids.length > 16 ? [...ids.slice(0, 15), ids[ids.length - 1] as number] : ids;
      expect(body.data?.embedText[0]?.values, text).toEqual(expected);
    }
  });

  it("happy: a WordPiece tokenizer.json classifier with config.json's id2label: ≥ 99% agreement on 60 sentences", async () => {
    const { slug, errors } = await publish(
      sentiment,
      "TEXT_CLASSIFICATION",
      { tokenizer: JSON.stringify(tokenizerJson), config: JSON.stringify(config) },
      "hf sentiment",
    );
    expect(errors).toBeUndefined();
    const next = random(5);
    const texts = Array.from({ length: 60 }, () => sentence(next));
    let agree = 0;
    for (let i = 0; i < texts.length; i += 20) {
      const batch = texts.slice(i, i + 20);
      const { body } = await consumer.client.raw<{ classifyText: { label: string }[] }>(
        `mutation($m: String!, $t: [String!]!) { classifyText(model: $m, inputs: $t) { label } }`,
        { m: slug, t: batch },
      );
      expect(body.errors).toBeUndefined();
      for (const [j, text] of batch.entries()) {
        const all = library.encode(text).ids;
        const ids = all.length > 16 ? [...all.slice(0, 15), all[all.length - 1] as number] : all;
        const feeds = {
          input_ids: new ort.Tensor("int64", BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
          attention_mask: new ort.Tensor("int64", BigInt64Array.from(ids.map(() => 1n)), [1, ids.length]),
          token_type_ids: new ort.Tensor("int64", new BigInt64Array(ids.length), [1, ids.length]),
        };
        const logits = (await runDirect(sentiment, feeds)).logits?.data as Float32Array;
        const expected = config.id2label[argmax(logits) as 0 | 1];
        if (body.data?.classifyText[j]?.label === expected) agree++;
      }
    }
    expect(agree / texts.length).toBeGreaterThanOrEqual(0.99);
  });

  it("error: a tokenizer asset that is not a tokenizer.json, or a config without id2label, is refused naming the asset", async () => {
    const broken = await publish(
      sentiment,
      "TEXT_CLASSIFICATION",
      { tokenizer: '{"nothing": true}', config: JSON.stringify(config) },
      "broken tok",
    );
    expect(broken.errors?.[0]?.message).toMatch(/tokenizer/);
    const noLabels = await publish(
      sentiment,
      "TEXT_CLASSIFICATION",
      { tokenizer: JSON.stringify(tokenizerJson), config: '{"architectures": []}' },
      "no labels",
    );
    expect(noLabels.errors?.[0]?.message).toMatch(/id2label/);
    expect(errorCode({ errors: noLabels.errors as never })).toBe("BAD_USER_INPUT");
  });
});

describe("examples with expected scores", () => {
  it("error: an expected score with a tolerance refuses a version declared with the wrong channel order, which labels alone let through", async () => {
    // R + 5·G against B: the green channel decides the label whatever the order of R and B,
    // so only the score tells RGB from BGR.
    const model = buildOnnxModel({
      inputs: [{ name: "input", elemType: "FLOAT", shape: [1, 3, 16, 16] }],
      outputs: [{ name: "logits", elemType: "FLOAT", shape: [1, 2] }],
      initializers: [{ name: "W", dims: [3, 2], floatData: [1, 0, 5, 0, 0, 1] }],
      nodes: [
        {
          opType: "ReduceMean",
          inputs: ["input"],
          outputs: ["means"],
          attributes: [
            { name: "axes", type: 7, ints: [2, 3] },
            { name: "keepdims", type: 2, i: 0 },
          ],
        },
        { opType: "MatMul", inputs: ["means", "W"], outputs: ["logits"] },
      ],
    });
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 100, b: 50 } } })
      .png()
      .toBuffer();
    // The exporter's run: RGB, scaled to 0..1.
    const rgb = new Float32Array(3 * 256);
    for (const [c, v] of [200, 100, 50].entries()) rgb.fill(v / 255, c * 256, (c + 1) * 256);
    const logits = (await runDirect(model, { input: new ort.Tensor("float32", rgb, [1, 3, 16, 16]) })).logits
      ?.data as Float32Array;
    const score = 1 / (1 + Math.exp((logits[1] as number) - (logits[0] as number)));
    const upload = await publisher.client.uploadArtifact(model, { fileName: "colour.onnx" });
    const asset = async (content: string) =>
      (await publisher.client.uploadArtifact(Buffer.from(content), { kind: "asset" })).body.id as string;
    const labels = await asset('["greenish","blueish"]');
    const publishWith = async (channelOrder: string, expectation: Record<string, unknown>) =>
      publisher.client.raw(`mutation($i: PublishModelInput!) { publishModel(input: $i) { slug } }`, {
        i: {
          name: `colour ${channelOrder} ${Object.keys(expectation).join(" ")}`,
          description: "Scores depend on the channel order",
          task: "IMAGE_CLASSIFICATION",
          artifactId: upload.body.id,
          version: "1.0.0",
          assets: { labels, preprocessing: await asset(JSON.stringify({ channelOrder })) },
          examples: [{ name: "orange", image: png.toString("base64"), expect: { label: "greenish", ...expectation } }],
          plans: ROOMY,
        },
      });
    // A label alone is answered the same either way: the wrong declaration would pass.
    expect((await publishWith("BGR", {})).body.errors).toBeUndefined();
    const refused = await publishWith("BGR", { score, tolerance: 0.01 });
    expect(errorCode(refused.body)).toBe("BAD_USER_INPUT");
    expect(refused.body.errors?.[0]?.message).toMatch(
      /example "orange" expected "greenish" with score 0\.9\d* ± 0\.01/,
    );
    expect((await publishWith("RGB", { score, tolerance: 0.01 })).body.errors).toBeUndefined();

    // The check before publishing says what the examples cannot catch, and shows the tensor
    // as the model receives it (here BGR: channel 0 is the blue 50/255).
    type Preview = {
      previewVersion: {
        warnings: string[];
        modelInputChannels: { channel: number; min: number; max: number; mean: number }[];
      };
    };
    const preview = await publisher.client.request<Preview>(
      `mutation($i: PreviewVersionInput!) { previewVersion(input: $i) { warnings modelInputChannels { channel min max mean } } }`,
      {
        i: {
          task: "IMAGE_CLASSIFICATION",
          artifactId: upload.body.id,
          assets: { labels, preprocessing: await asset(JSON.stringify({ channelOrder: "BGR" })) },
          examples: [{ image: png.toString("base64"), expect: { label: "greenish" } }],
          imageBase64: png.toString("base64"),
        },
      },
    );
    expect(preview.previewVersion.warnings.join(" ")).toMatch(/Only 1 example/);
    expect(preview.previewVersion.modelInputChannels.map((c) => Number(c.mean.toFixed(3)))).toEqual([
      Number((50 / 255).toFixed(3)),
      Number((100 / 255).toFixed(3)),
      Number((200 / 255).toFixed(3)),
    ]);
    const none = await publisher.client.request<Preview>(
      `mutation($i: PreviewVersionInput!) { previewVersion(input: $i) { warnings modelInputChannels { channel } } }`,
      { i: { task: "IMAGE_CLASSIFICATION", artifactId: upload.body.id, assets: { labels } } },
    );
    expect(none.previewVersion.warnings.join(" ")).toMatch(/No examples/);
  });
});

describe("OCR-style recognisers: fixed height, padded or squeezed to the width", () => {
  it("happy: a model with a symbolic width answers like the direct run (PaddleOCR's resize_norm_img) on lines from 1:1 to 12:1", async () => {
    // Features that see every pixel, the padding included: the mean and the mean square.
    const reduce = (input: string, output: string) => ({
      opType: "ReduceMean",
      inputs: [input],
      outputs: [output],
      attributes: [
        { name: "axes", type: 7, ints: [1, 2, 3] },
        { name: "keepdims", type: 2, i: 1 },
      ],
    });
    const model = buildOnnxModel({
      inputs: [{ name: "x", elemType: "FLOAT", shape: [1, 3, 32, "width"] }],
      outputs: [{ name: "logits", elemType: "FLOAT", shape: [1, 2] }],
      nodes: [
        reduce("x", "m4"),
        { opType: "Mul", inputs: ["x", "x"], outputs: ["sq"] },
        reduce("sq", "s4"),
        { opType: "Flatten", inputs: ["m4"], outputs: ["m"] },
        { opType: "Flatten", inputs: ["s4"], outputs: ["s"] },
        { opType: "Concat", inputs: ["m", "s"], outputs: ["logits"], attributes: [{ name: "axis", type: 2, i: 1 }] },
      ],
    });
    const preprocessing = {
      inputSize: { height: 32, width: 128 },
      resize: "fixed-height",
      interpolation: "opencv-linear",
      channelOrder: "BGR",
      mean: [0.5],
      std: [0.5],
    };
    const { slug, errors } = await publish(
      model,
      "IMAGE_CLASSIFICATION",
      { labels: '["mean","square"]', preprocessing: JSON.stringify(preprocessing) },
      "ocr line",
    );
    expect(errors).toBeUndefined();
    const next = random(29);
    for (let ratio = 1; ratio <= 12; ratio++) {
      const h = 24 + Math.floor(next() * 40);
      const w = Math.round(h * ratio);
      // Dark "glyphs" on a light line, as a scanned text line.
      const glyphs = Array.from({ length: ratio * 3 }, (_, i) => {
        const x = (i + next() * 0.5) * (w / (ratio * 3));
        return `<rect x="${x.toFixed(1)}" y="${(h * 0.2).toFixed(1)}" width="${(w / (ratio * 6)).toFixed(1)}" height="${(h * (0.4 + next() * 0.4)).toFixed(1)}" fill="rgb(${Math.floor(next() * 80)},${Math.floor(next() * 80)},${Math.floor(next() * 80)})"/>`;
      }).join("");
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="rgb(235,230,220)"/>${glyphs}</svg>`;
      const png = await sharp(Buffer.from(svg)).png().toBuffer();
      // PaddleOCR, written out: cv2 reads BGR; resize to height 32 and ceil(32·w/h) wide (at most
      // 128) with INTER_LINEAR; (x/255 − 0.5)/0.5; zeros on the right up to 128.
      const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const resizedWidth = Math.min(128, Math.ceil((32 * w) / h));
      const resized = RESAMPLERS["opencv-linear"](new Uint8Array(data), w, h, 3, resizedWidth, 32);
      const chw = new Float32Array(3 * 32 * 128);
      for (let c = 0; c < 3; c++) {
        for (let y = 0; y < 32; y++) {
          for (let x = 0; x < resizedWidth; x++) {
            const rgb = resized[(y * resizedWidth + x) * 3 + (2 - c)] as number; // BGR
            chw[c * 32 * 128 + y * 128 + x] = (rgb / 255 - 0.5) / 0.5;
          }
        }
      }
      const logits = (await runDirect(model, { x: new ort.Tensor("float32", chw, [1, 3, 32, 128]) })).logits
        ?.data as Float32Array;
      const expected = 1 / (1 + Math.exp((logits[1] as number) - (logits[0] as number)));
      const { body } = await consumer.client.raw<{ classifyImage: { top: { label: string; score: number }[] }[] }>(
        `mutation($m: String!, $i: [ImageInput!]!) { classifyImage(model: $m, images: $i) { top { label score } } }`,
        { m: slug, i: [{ base64: png.toString("base64") }] },
      );
      expect(body.errors, `ratio ${ratio}:1`).toBeUndefined();
      const mean = body.data?.classifyImage[0]?.top.find((t) => t.label === "mean")?.score as number;
      expect(mean, `ratio ${ratio}:1 (${w}×${h})`).toBeCloseTo(expected, 5);
    }
  });
});
