import path from "node:path";
import { buildCached, type ZooEntry } from "./build-cache";
import { faceDetector, faceDetectorModelJson } from "./face-detector/face-detector";
import { ffqDataFiles } from "./food-recommender/ffq-ratings";
import { foodRecommender } from "./food-recommender/food-recommender";
import { mathSymbols, mathSymbolsFiles } from "./math-symbols/math-symbols";
import { DETECTOR_SANITY_PHOTOS, sanityPhotoPath } from "./object-detector/evaluate-detector";
import { detectorModelJson, objectDetector } from "./object-detector/object-detector";
import { sanityPhotoFiles } from "./sanity-photos";
import { selfieSegmenter, selfieSegmenterFiles } from "./selfie-segmenter/selfie-segmenter";
import { encoderFiles } from "./sentence-encoder/encoder-graph";
import { sentenceEncoder } from "./sentence-encoder/sentence-encoder";
import { sentiment } from "./sentiment/sentiment";
import { sentimentDataFiles } from "./sentiment/sentiment-data";
import { sotuGpt, sotuGptInputs } from "./sotu-gpt/sotu-gpt";
import type { ZooModel } from "./zoo-model";

export { buildCached, type ZooEntry } from "./build-cache";
export { type ZooMetric, zooMetrics } from "./zoo-metrics";
export type { ZooModel, ZooPlan, ZooTask } from "./zoo-model";

const encoderInputs = () => {
  const f = encoderFiles();
  return [f.modelJson, f.vocab, ...f.weightShards];
};

export const ZOO: ZooEntry[] = [
  { name: "sentence-encoder", inputs: encoderInputs, build: sentenceEncoder },
  { name: "sentiment", inputs: () => [...encoderInputs(), ...sentimentDataFiles()], build: sentiment },
  { name: "math-symbols", inputs: mathSymbolsFiles, build: mathSymbols },
  {
    name: "object-detector",
    inputs: () => [
      detectorModelJson(),
      path.join(path.dirname(detectorModelJson()), "centernet.bin"),
      ...DETECTOR_SANITY_PHOTOS.map((p) => sanityPhotoPath(p.pkg)),
    ],
    build: objectDetector,
  },
  { name: "food-recommender", inputs: ffqDataFiles, build: foodRecommender },
  {
    name: "face-detector",
    inputs: () => [faceDetectorModelJson(), faceDetectorModelJson().replace(/\.json$/, ".bin"), ...sanityPhotoFiles()],
    build: faceDetector,
  },
  {
    name: "selfie-segmenter",
    inputs: () => [...selfieSegmenterFiles(), ...sanityPhotoFiles()],
    build: selfieSegmenter,
  },
  { name: "sotu-gpt", inputs: sotuGptInputs, build: sotuGpt },
];

/** Every shipped model, built (or taken from the build cache), one after the other. */
export async function zooModels(outDir: string): Promise<ZooModel[]> {
  const out: ZooModel[] = [];
  for (const entry of ZOO) out.push(await buildCached(entry, outDir));
  return out;
}

// What the API's tests build their references from (they import workspaces by package name).
export { loadFfqRatings } from "./food-recommender/ffq-ratings";
export { DEFAULT_MF, topItems, trainMf } from "./food-recommender/matrix-factorization";
export { CANVAS_SIZE, drawStrokes, type Stroke } from "./math-symbols/draw-strokes";
export { encodeSotu, heldOutAddresses, heldOutPerplexity, SOTU_GPT_DIR } from "./sotu-gpt/sotu-gpt";
export { foodRecommender, mathSymbols, sanityPhotoPath };
