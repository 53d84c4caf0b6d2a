import type { OnnxInspection } from "@modelmarket/onnx";
import type { BatchingPolicy } from "../../infra/inference-client";

type Declared = false | { maxBatchSize: number; maxQueueDelayMs: number } | undefined;

const TEXT_DEFAULT = { maxBatchSize: 32, maxQueueDelayMs: 0 };
const IMAGE_DEFAULT = { maxBatchSize: 16, maxQueueDelayMs: 0 };

/**
 * How the tier may batch this version's requests: what the publisher declared in the
 * `preprocessing` asset (`"batching": false` turns it off), else a default by task. Text
 * requests of different lengths batch by zero-padding (the text convention's padding); an
 * image model whose input has a fixed batch size cannot batch; a recommender's `k` input is
 * shared by the whole call, so recommenders do not batch.
 */
export function batchingPolicy(
  kind: "text" | "image",
  signature: OnnxInspection,
  declared: Declared,
): BatchingPolicy | null {
  if (declared === false) return null;
  if (kind === "text") return { ...TEXT_DEFAULT, ...declared, padSequences: true };
  const batchDim = signature.inputs[0]?.shape?.[0];
  if (typeof batchDim === "number") return null;
  return { ...IMAGE_DEFAULT, ...declared, padSequences: false };
}
