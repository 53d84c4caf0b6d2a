import { badInput, payloadTooLarge } from "@modelmarket/domain";
import type { OnnxInspection } from "@modelmarket/onnx";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { imagePreprocessing } from "../catalog/preprocessing";
import { batchingPolicy } from "./batching-policy";
import { billedCall } from "./billed-call";
import { decodeImage } from "./decode-image";
import { imageLayoutOf } from "./image-layout";
import { probabilities } from "./probabilities";
import { readListAsset, readPreprocessing } from "./read-json-asset";
import { resolveCallableVersion } from "./resolve-callable-version";

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
  const { env } = services;
  if (input.images.length === 0) throw badInput("`images` must hold at least one image.", "images");
  if (input.images.length > env.MAX_INPUTS_PER_CALL) {
    throw payloadTooLarge(`At most ${env.MAX_INPUTS_PER_CALL} images per call.`);
  }
  if (!Number.isInteger(input.topK) || input.topK < 1 || input.topK > MAX_TOP_K) {
    throw badInput(`\`topK\` must be 1 to ${MAX_TOP_K}.`, "topK");
  }
  const callable = await resolveCallableVersion(
    services,
    caller,
    input.model,
    "IMAGE_CLASSIFICATION",
    "classifyImage",
    input.version,
  );
  const { principal, version } = callable;
  const signature = version.signature as unknown as OnnxInspection;
  const image = signature.inputs[0];
  if (!image) throw new Error("image model without an input");
  const target = imageLayoutOf(image.shape);
  const labels = (await readListAsset(services, version.assets, "labels")).map(String);
  const limits = { maxBytes: env.IMAGE_MAX_BYTES, maxPixels: env.IMAGE_MAX_PIXELS };
  const preprocessing = await readPreprocessing(services, version.assets, imagePreprocessing);
  const decoded = await Promise.all(
    input.images.map((img, i) => decodeImage(img.base64, i, target, limits, preprocessing)),
  );

  return billedCall(
    services,
    callable,
    input.images.length,
    async () => {
      const results = [];
      // One image per call: the shipped model has a fixed batch of 1 (batching is the tier's job).
      for (const { pixels } of decoded) {
        const dims =
          target.layout === "NCHW"
            ? [1, target.channels, target.height, target.width]
            : [1, target.height, target.width, target.channels];
        const outputs = await services.inference.infer(
          principal.tenantId,
          version.sha256,
          [{ name: image.name, datatype: "FP32", shape: dims, data: Array.from(pixels) }],
          { weight: callable.weight, batching: batchingPolicy("image", signature, preprocessing.batching) },
        );
        const scores = probabilities(outputs[0]?.data as number[]);
        const top = scores
          .map((score, index) => ({ label: labels[index] ?? String(index), score }))
          .sort((a, b) => b.score - a.score)
          .slice(0, Math.min(input.topK, scores.length));
        const best = top[0] ?? { label: "", score: 0 };
        results.push({ label: best.label, score: best.score, top });
      }
      return results;
    },
    { images: input.images, topK: input.topK },
  );
}
