import type { ModelTask } from "@modelmarket/db";
import { badInput } from "@modelmarket/domain";
import { takesImages } from "@modelmarket/tasks";
import sharp from "sharp";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { prepareImages } from "../../tasks/support/image-call";
import { type ExampleResult, exampleWarnings, runExamples } from "./support/check-examples";
import { prepareNewVersion } from "./support/new-version";

/**
 * What a version would do, before it is published: the graph and assets checked against the
 * task, the examples' answers through the serving path, and — for image tasks — the image as
 * the model will receive it (resized, letterboxed or cropped as declared), to compare with
 * what the publisher's own pipeline feeds it. Nothing is stored. Unbilled, so it is rate
 * limited per organisation (PREVIEW_MAX_PER_MINUTE) and admitted like a call (its resolver).
 */
export async function previewVersion(
  services: AppServices,
  principal: Principal,
  input: {
    task: ModelTask;
    artifactId: string;
    assets?: unknown;
    examples?: unknown;
    image?: { base64: string } | null;
  },
): Promise<{
  modelInput: string | null;
  modelInputChannels: { channel: number; min: number; max: number; mean: number }[];
  examples: ExampleResult[];
  warnings: string[];
}> {
  await services.inferenceRateLimits.consumePreview(principal.tenantId, services.env.PREVIEW_MAX_PER_MINUTE);
  const version = await prepareNewVersion(services, principal.tenantId, input.task, {
    version: "0.0.0-preview",
    artifactId: input.artifactId,
    assets: input.assets,
    examples: input.examples,
  });
  const examples = await runExamples(services, principal, input.task, version);
  let modelInput: string | null = null;
  let modelInputChannels: { channel: number; min: number; max: number; mean: number }[] = [];
  if (input.image) {
    if (!takesImages(input.task)) {
      throw badInput(`A preview image needs an image task, not ${input.task}.`, "image");
    }
    const prepared = await prepareImages(services, principal.tenantId, version, [input.image]);
    const { target } = prepared;
    const image = prepared.decoded[0];
    if (image) {
      const png = await sharp(image.resized, {
        raw: { width: target.width, height: target.height, channels: target.channels },
      })
        .png()
        .toBuffer();
      modelInput = png.toString("base64");
      modelInputChannels = channelStats(image.pixels, target);
    }
  }
  return { modelInput, modelInputChannels, examples, warnings: exampleWarnings(input.examples, examples) };
}

/** Each channel of the normalised tensor: what the model receives after every step. */
function channelStats(pixels: Float32Array, target: { layout: "NCHW" | "NHWC"; channels: number }) {
  const plane = pixels.length / target.channels;
  return Array.from({ length: target.channels }, (_, c) => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (let p = 0; p < plane; p++) {
      const v = pixels[target.layout === "NCHW" ? c * plane + p : p * target.channels + c] as number;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    return { channel: c, min, max, mean: sum / plane };
  });
}
