import { badInput } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { WireTensor } from "../../infra/inference-client";
import type { AppServices } from "../../services";
import { billedPerImage, prepareImageCall } from "../support/image-call";
import { probabilities } from "../support/probabilities";

const MAX_TOP_K = 50;

/**
 * Labels for each image from an IMAGE_CLASSIFICATION model (convention: docs/publishing.md).
 * Images are decoded and resized to the model's declared input; scores are probabilities
 * (softmax applied when the model returns logits).
 */
export async function classifyImage(
  services: AppServices,
  caller: Principal | null,
  input: { model: string; images: { base64: string }[]; topK: number; version?: string | null },
) {
  if (!Number.isInteger(input.topK) || input.topK < 1 || input.topK > MAX_TOP_K) {
    throw badInput(`\`topK\` must be 1 to ${MAX_TOP_K}.`, "topK");
  }
  const call = await prepareImageCall(services, caller, input, "IMAGE_CLASSIFICATION", "classifyImage");
  // One image per model call: the shipped model has a fixed batch of 1 (batching is the tier's job).
  return billedPerImage(services, call, (outputs) => imageClassification(outputs, call.labels, input.topK), {
    images: input.images,
    topK: input.topK,
  });
}

/** One image's answer from the model's outputs: the best label and the top k, as probabilities. */
export function imageClassification(outputs: WireTensor[], labels: string[], topK: number) {
  const scores = probabilities(outputs[0]?.data as number[]);
  const top = scores
    .map((score, index) => ({ label: labels[index] ?? String(index), score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, Math.min(topK, scores.length));
  const best = top[0] ?? { label: "", score: 0 };
  return { label: best.label, score: best.score, top };
}
