import type { ModelTask } from "@modelmarket/db";
import { badInput, payloadTooLarge } from "@modelmarket/domain";
import type { OnnxInspection } from "@modelmarket/onnx";
import type { Principal } from "../../auth/principal";
import type { WireTensor } from "../../infra/inference-client";
import type { AppServices } from "../../services";
import { imagePreprocessing } from "../catalog/preprocessing";
import { batchingPolicy } from "./batching-policy";
import { decodeImage } from "./decode-image";
import { imageLayoutOf } from "./image-layout";
import { readListAsset, readPreprocessing } from "./read-json-asset";
import { resolveCallableVersion } from "./resolve-callable-version";

/**
 * What classifyImage and detectObjects share before their own post-processing: the image
 * list's limits, the callable version, its labels and preprocessing, every image decoded
 * (bad images refused before anything is reserved or billed), and one model call per image.
 */
export async function prepareImageCall(
  services: AppServices,
  caller: Principal | null,
  input: { model: string; images: { base64: string }[]; version?: string | null },
  task: ModelTask,
  operation: string,
) {
  const { env } = services;
  if (input.images.length === 0) throw badInput("`images` must hold at least one image.", "images");
  if (input.images.length > env.MAX_INPUTS_PER_CALL) {
    throw payloadTooLarge(`At most ${env.MAX_INPUTS_PER_CALL} images per call.`);
  }
  const callable = await resolveCallableVersion(services, caller, input.model, task, operation, input.version);
  const { principal, version } = callable;
  const signature = version.signature as unknown as OnnxInspection;
  const image = signature.inputs[0];
  if (!image) throw new Error("image model without an input");
  const target = imageLayoutOf(image.shape);
  const labels = (await readListAsset(services, version.assets, "labels")).map(String);
  const preprocessing = await readPreprocessing(services, version.assets, imagePreprocessing);
  const limits = { maxBytes: env.IMAGE_MAX_BYTES, maxPixels: env.IMAGE_MAX_PIXELS };
  const decoded = await Promise.all(
    input.images.map((img, i) => decodeImage(img.base64, i, target, limits, preprocessing)),
  );
  const batching = batchingPolicy("image", signature, preprocessing.batching);
  /** One image through the model (models with a fixed batch of 1 take one at a time). */
  const run = (pixels: Float32Array): Promise<WireTensor[]> => {
    const dims =
      target.layout === "NCHW"
        ? [1, target.channels, target.height, target.width]
        : [1, target.height, target.width, target.channels];
    return services.inference.infer(
      principal.tenantId,
      version.sha256,
      [{ name: image.name, datatype: "FP32", shape: dims, data: Array.from(pixels) }],
      { weight: callable.weight, batching },
    );
  };
  return { callable, target, labels, preprocessing, decoded, run };
}
