import fs from "node:fs";
import * as ort from "onnxruntime-node";
import { CANVAS_SIZE, drawStrokes } from "./draw-strokes";
import { jittered } from "./sanity-set";

export type MathSymbolsEvaluation = {
  sanityTop1: number;
  sanityTop5: number;
  sanityDrawings: number;
};

/**
 * Top-1 / top-5 accuracy on the sanity set: 24 symbols sketched stroke by stroke, 3 hands
 * each, rasterised exactly as Detypify's front end does. The model never saw these drawings.
 */
export async function evaluateMathSymbols(modelPath: string, labelChars: string[]): Promise<MathSymbolsEvaluation> {
  const session = await ort.InferenceSession.create(fs.readFileSync(modelPath));
  const input = session.inputNames[0] as string;
  const output = session.outputNames[0] as string;
  let top1 = 0;
  let top5 = 0;
  const drawings = jittered(3);
  try {
    for (const { char, strokes } of drawings) {
      const result = await session.run({
        [input]: new ort.Tensor("float32", drawStrokes(strokes), [1, 1, CANVAS_SIZE, CANVAS_SIZE]),
      });
      const scores = Array.from(result[output]?.data as Float32Array);
      const ranked = scores
        .map((score, index) => [score, index] as const)
        .sort((a, b) => b[0] - a[0])
        .slice(0, 5)
        .map(([, index]) => labelChars[index]);
      if (ranked[0] === char) top1++;
      if (ranked.includes(char)) top5++;
    }
  } finally {
    await session.release();
  }
  return { sanityTop1: top1 / drawings.length, sanityTop5: top5 / drawings.length, sanityDrawings: drawings.length };
}
