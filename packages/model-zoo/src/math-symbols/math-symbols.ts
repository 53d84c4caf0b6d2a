import fs from "node:fs";
import path from "node:path";
import { packageDir } from "../package-dir";
import { standardPlans, type ZooModel } from "../zoo-model";
import { evaluateMathSymbols } from "./evaluate-math-symbols";

interface InferSymbol {
  char: string;
  names: string[];
}

/**
 * Detypify's handwritten math-symbol classifier (MIT), shipped as a native ONNX file in
 * `detypify-service`: 1×1×224×224 white strokes on black → scores for 411 symbols.
 * Its labels come from the package's `train/infer.json`, written as a JSON array of
 * "<char> <typst name>" strings in output order.
 */
export function mathSymbolsFiles(): string[] {
  const pkg = packageDir("detypify-service");
  return [path.join(pkg, "train", "model.onnx"), path.join(pkg, "train", "infer.json")];
}

export async function mathSymbols(outDir: string): Promise<ZooModel> {
  const pkg = packageDir("detypify-service");
  const symbols = JSON.parse(fs.readFileSync(path.join(pkg, "train", "infer.json"), "utf8")) as InferSymbol[];
  const labelsPath = path.join(outDir, "math-symbols", "labels.json");
  writeIfChanged(labelsPath, `${JSON.stringify(symbols.map((s) => `${s.char} ${s.names[0] ?? ""}`.trim()))}\n`);
  const modelPath = path.join(pkg, "train", "model.onnx");
  const evaluation = await evaluateMathSymbols(
    modelPath,
    symbols.map((s) => s.char),
  );
  return {
    name: "math-symbols",
    description:
      "Recognises a handwritten mathematical symbol (411 classes: Greek letters, operators, arrows, " +
      "set and logic symbols) from a drawing, as used by Detypify to find Typst symbols.",
    task: "IMAGE_CLASSIFICATION",
    tags: ["vision", "handwriting", "math", "typst"],
    version: "0.3.0",
    card: {
      intendedUse: "Look up a symbol by drawing it: white strokes on a black 224×224 canvas.",
      limitations: "Single symbols only; photos or printed text are out of distribution.",
      license: "MIT",
      source: "detypify-service@0.3.0 (train/model.onnx), https://github.com/QuarticCat/detypify",
    },
    modelPath,
    assetPaths: { labels: labelsPath },
    plans: standardPlans(900, 50),
    evaluation: {
      sanityTop1: Number(evaluation.sanityTop1.toFixed(4)),
      sanityTop5: Number(evaluation.sanityTop5.toFixed(4)),
      sanityDrawings: evaluation.sanityDrawings,
    },
  };
}

function writeIfChanged(file: string, content: string): void {
  try {
    if (fs.readFileSync(file, "utf8") === content) return;
  } catch {}
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}
