import fs from "node:fs";
import path from "node:path";
import { SentencePieceTokenizer } from "@modelmarket/tokenizers";
import * as ort from "onnxruntime-node";
import { seededRandom, shuffled } from "../seeded-random";
import { runTextModel } from "../sentence-encoder/embed-texts";
import { EMBEDDING_SIZE, encoderGraph, readEncoderVocab, TEXT_INPUTS } from "../sentence-encoder/encoder-graph";
import { writeTextModelFiles } from "../sentence-encoder/sentence-encoder";
import { standardPlans, type ZooModel } from "../zoo-model";
import { binaryMetrics, type LogisticHead, trainLogistic } from "./logistic-regression";
import { loadSentimentSentences, SENTIMENT_SOURCES } from "./sentiment-data";

export const SENTIMENT_LABELS = ["negative", "positive"];
const FOLDS = 5;
const SEED = 20261128;

/**
 * English sentiment: the sentence encoder with a logistic-regression head we train on the UCI
 * Sentiment Labelled Sentences, appended to the same ONNX graph (MatMul + Add + Softmax), so
 * one call gives `probabilities` [batch, 2] over ["negative", "positive"].
 */
export async function sentiment(outDir: string): Promise<ZooModel> {
  const dir = path.join(outDir, "sentiment");
  fs.mkdirSync(dir, { recursive: true });
  const data = loadSentimentSentences();
  const features = await embedWithEncoder(data.map((d) => d.text));
  const labels = data.map((d) => d.label);
  const evaluation = evaluateSentiment(
    features,
    labels,
    data.map((d) => d.source),
  );
  const head = trainLogistic(features, labels);

  const { builder, embeddings } = encoderGraph();
  const weights = new Float32Array(EMBEDDING_SIZE * 2); // column 0 (negative) stays 0
  for (let d = 0; d < EMBEDDING_SIZE; d++) weights[d * 2 + 1] = head.weights[d] as number;
  const logits = builder.op("Add", [
    builder.op("MatMul", [embeddings, builder.floats("head_weights", [EMBEDDING_SIZE, 2], weights)]),
    builder.floats("head_bias", [2], [0, head.bias]),
  ]);
  builder.node("Softmax", [logits], { axis: { int: -1 } }, ["probabilities"]);
  const files = writeTextModelFiles(
    dir,
    builder.toModel([...TEXT_INPUTS], [{ name: "probabilities", elemType: "FLOAT", shape: ["batch", 2] }], {
      producer: "modelmarket-model-zoo (tfjs-to-onnx + logistic head)",
    }),
  );
  const labelsPath = path.join(dir, "labels.json");
  fs.writeFileSync(labelsPath, `${JSON.stringify(SENTIMENT_LABELS)}\n`);
  return {
    name: "sentiment",
    description:
      "Says whether an English review or comment is positive or negative: the Universal Sentence Encoder lite " +
      `with a logistic-regression head trained on ${data.length} labelled review sentences (Amazon, IMDb, Yelp).`,
    task: "TEXT_CLASSIFICATION",
    tags: ["nlp", "sentiment", "reviews", "english"],
    version: "1.0.0",
    card: {
      intendedUse: "Triage of short English reviews, comments and support messages by polarity.",
      limitations:
        "Two classes only (no neutral): mixed or neutral text gets a confident-looking score either way. Trained on " +
        "product, movie and restaurant reviews; sarcasm and other domains are weaker (see the cross-domain accuracy).",
      license:
        "Encoder: Apache-2.0 (Google). Head: Apache-2.0 (ours). Data: UCI Sentiment Labelled Sentences (Kotzias et al., 2015) via sentiment@5.0.2.",
      source:
        "Head trained by packages/model-zoo/src/sentiment (full-batch Adam, L2), appended to the converted encoder.",
    },
    modelPath: files.model,
    assetPaths: { vocab: files.vocab, preprocessing: files.preprocessing, labels: labelsPath },
    plans: standardPlans(900, 20),
    evaluation,
  };
}

async function embedWithEncoder(texts: string[]): Promise<Float32Array[]> {
  const { builder, embeddings } = encoderGraph();
  builder.node("Identity", [embeddings], {}, ["embeddings"]);
  const bytes = builder.toModel([...TEXT_INPUTS], [{ name: "embeddings", elemType: "FLOAT", shape: ["batch", 512] }], {
    producer: "modelmarket-model-zoo",
  });
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await runTextModel(session, new SentencePieceTokenizer(readEncoderVocab()), texts);
  } finally {
    await session.release();
  }
}

/**
 * Held-out quality of the head: stratification-free k-fold over a seeded shuffle, and
 * cross-domain (train on two sources, test on the third), each fold's head trained only on
 * its training part.
 */
export function evaluateSentiment(x: Float32Array[], y: number[], sources: string[]): Record<string, number> {
  const order = shuffled(
    x.map((_, i) => i),
    seededRandom(SEED),
  );
  let accuracy = 0;
  let f1 = 0;
  for (let fold = 0; fold < FOLDS; fold++) {
    const test = order.filter((_, i) => i % FOLDS === fold);
    const train = order.filter((_, i) => i % FOLDS !== fold);
    const m = metricsOf(trainOn(x, y, train), x, y, test);
    accuracy += m.accuracy / FOLDS;
    f1 += m.f1 / FOLDS;
  }
  const result: Record<string, number> = {
    kFoldAccuracy: round(accuracy),
    kFoldF1: round(f1),
    folds: FOLDS,
    sentences: x.length,
  };
  for (const held of SENTIMENT_SOURCES) {
    const train = order.filter((i) => sources[i] !== held);
    const test = order.filter((i) => sources[i] === held);
    result[`crossDomainAccuracy_${held}`] = round(metricsOf(trainOn(x, y, train), x, y, test).accuracy);
  }
  return result;
}

function trainOn(x: Float32Array[], y: number[], rows: number[]): LogisticHead {
  return trainLogistic(
    rows.map((i) => x[i] as Float32Array),
    rows.map((i) => y[i] as number),
  );
}

function metricsOf(head: LogisticHead, x: Float32Array[], y: number[], rows: number[]) {
  return binaryMetrics(
    head,
    rows.map((i) => x[i] as Float32Array),
    rows.map((i) => y[i] as number),
  );
}

function round(v: number): number {
  return Number(v.toFixed(4));
}
