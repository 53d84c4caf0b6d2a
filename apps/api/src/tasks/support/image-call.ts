import type { ModelTask } from "@modelmarket/db";
import { badInput, payloadTooLarge } from "@modelmarket/domain";
import type { OnnxInspection } from "@modelmarket/onnx";
import type { Principal } from "../../auth/principal";
import type { BatchingPolicy, WireTensor } from "../../infra/inference-client";
import { billedCall } from "../../metering/billed-call";
import type { AppServices } from "../../services";
import { batchingPolicy } from "./batching-policy";
import { decodeImage } from "./decode-image";
import { imageLayoutOf } from "./image-layout";
import { imagePreprocessing } from "./preprocessing";
import { readLabels, readPreprocessing } from "./read-json-asset";
import { resolveCallableVersion } from "./resolve-callable-version";

/**
 * What the image tasks' operations share before their own post-processing: the image
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
  const prepared = await prepareImages(services, callable.principal.tenantId, callable.version, input.images);
  const run = (pixels: Float32Array) =>
    prepared.run(pixels, (inputs, options) =>
      services.inference.infer(callable.principal.tenantId, callable.version.sha256, inputs, {
        ...options,
        weight: callable.weight,
      }),
    );
  return { callable, ...prepared, run };
}

/**
 * Every image of a prepared call through the model, one after another, billed one unit per
 * image in one charge (billedCall); `answer` turns an image's outputs into its answer. The
 * fingerprint is everything of the caller's input that changes the answer.
 */
export function billedPerImage<T>(
  services: AppServices,
  call: Awaited<ReturnType<typeof prepareImageCall>>,
  answer: (outputs: WireTensor[], image: DecodedImage) => T | Promise<T>,
  fingerprint: unknown,
): Promise<T[]> {
  return billedCall(
    services,
    call.callable,
    call.decoded.length,
    async () => {
      const results: T[] = [];
      for (const image of call.decoded) results.push(await answer(await call.run(image.pixels), image));
      return results;
    },
    fingerprint,
  );
}

/** One decoded image of a call: its pixels in the model's layout and where it landed in the input. */
export type DecodedImage = Awaited<ReturnType<typeof decodeImage>>;

/** One model call of a prepared input, as the caller routes it (its tenant, weight, billing). */
export type Infer = (inputs: WireTensor[], options: { batching: BatchingPolicy | null }) => Promise<WireTensor[]>;

/**
 * A version's images as its model takes them (the serving path, also used to check a new
 * version's examples before it is published): its labels and preprocessing, every image
 * decoded, and how one image goes through the model. Images are decoded one after another,
 * each admitted by its pixels on behalf of `tenantId` (infra/decode-gate.ts): a call with many
 * large images holds one decode's worth of memory and thread pool at a time, not all of them.
 */
export async function prepareImages(
  services: AppServices,
  tenantId: string,
  version: { assets: unknown; signature: unknown },
  images: { base64: string }[],
) {
  const { env } = services;
  const signature = version.signature as OnnxInspection;
  const image = signature.inputs[0];
  if (!image) throw new Error("image model without an input");
  const preprocessing = await readPreprocessing(services, version.assets, imagePreprocessing);
  const target = imageLayoutOf(image.shape, preprocessing.inputSize);
  // Tasks without labels (embeddings) have no labels asset.
  const roles = version.assets as Record<string, unknown> | null;
  const labels = roles?.labels || roles?.config ? await readLabels(services, version.assets) : [];
  const limits = { maxBytes: env.IMAGE_MAX_BYTES, maxPixels: env.IMAGE_MAX_PIXELS };
  const admit = (pixels: number) => services.decodeGate.acquire(tenantId, pixels);
  const decoded: Awaited<ReturnType<typeof decodeImage>>[] = [];
  for (const [i, img] of images.entries()) {
    decoded.push(await decodeImage(img.base64, i, target, limits, preprocessing, admit));
  }
  const batching = batchingPolicy("image", signature, preprocessing.batching);
  /** One image through the model (models with a fixed batch of 1 take one at a time). */
  const run = (pixels: Float32Array, infer: Infer): Promise<WireTensor[]> => {
    const dims =
      target.layout === "NCHW"
        ? [1, target.channels, target.height, target.width]
        : [1, target.height, target.width, target.channels];
    return infer([{ name: image.name, datatype: "FP32", shape: dims, data: Array.from(pixels) }], { batching });
  };
  return { target, labels, preprocessing, decoded, run };
}

/** One base64 image through a version's model as a call would send it (a publish-time example). */
export async function runOneImage(
  run: { services: AppServices; principal: Principal; version: { assets: unknown; signature: unknown }; infer: Infer },
  base64: string,
) {
  const prepared = await prepareImages(run.services, run.principal.tenantId, run.version, [{ base64 }]);
  const image = prepared.decoded[0] as (typeof prepared.decoded)[number];
  const outputs = await prepared.run(image.pixels, run.infer);
  return { prepared, image, outputs };
}
