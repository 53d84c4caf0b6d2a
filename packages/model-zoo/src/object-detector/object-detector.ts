import fs from "node:fs";
import path from "node:path";
import { packageDir } from "../package-dir";
import { convertTfjsToOnnx } from "../tfjs-to-onnx/convert-tfjs-to-onnx";
import { readTfjsGraph } from "../tfjs-to-onnx/read-tfjs-graph";
import { standardPlans, type ZooModel } from "../zoo-model";
import { cocoLabels } from "./coco-labels";
import { evaluateDetector } from "./evaluate-detector";

export const DETECTOR_INPUT_SIZE = 512;
/** What the detector declares in its `preprocessing` asset (docs/publishing.md). */
export const DETECTOR_PREPROCESSING = { pixelRange: [0, 255], boxes: "xyxy-input-pixels" } as const;

export function detectorModelJson(): string {
  return path.join(packageDir("@vladmandic/human"), "models", "centernet.json");
}

/**
 * CenterNet with a MobileNetV3 backbone trained on COCO (80 classes), from the weights that
 * ship with @vladmandic/human (MIT), converted from TFJS to ONNX by our converter. Input
 * `images` [1, 512, 512, 3] RGB 0..255; output `detections` [1, 100, 6] rows of
 * (x1, y1, x2, y2, score, class) in input pixels, best first (the graph does the peak
 * picking and top-100; the API filters by score and suppresses overlaps).
 */
export async function objectDetector(outDir: string): Promise<ZooModel> {
  const dir = path.join(outDir, "object-detector");
  fs.mkdirSync(dir, { recursive: true });
  const graph = readTfjsGraph(detectorModelJson());
  const size = DETECTOR_INPUT_SIZE;
  const { builder, outputs } = convertTfjsToOnnx(graph, {
    inputs: [{ tf: "tower_0/images", tensor: "images", kind: "float" }],
    outputs: ["tower_0/detections"],
  });
  builder.declare("images");
  builder.node("Identity", [outputs[0] as string], {}, ["detections"]);
  const files = {
    model: path.join(dir, "model.onnx"),
    labels: path.join(dir, "labels.json"),
    preprocessing: path.join(dir, "preprocessing.json"),
  };
  fs.writeFileSync(
    files.model,
    builder.toModel(
      [{ name: "images", elemType: "FLOAT", shape: [1, size, size, 3] }],
      [{ name: "detections", elemType: "FLOAT", shape: [1, 100, 6] }],
      { producer: "modelmarket-model-zoo (tfjs-to-onnx)" },
    ),
  );
  const labels = cocoLabels();
  fs.writeFileSync(files.labels, `${JSON.stringify(labels)}\n`);
  fs.writeFileSync(files.preprocessing, `${JSON.stringify(DETECTOR_PREPROCESSING)}\n`);
  const evaluation = await evaluateDetector(files.model, labels);
  return {
    name: "object-detector",
    description:
      "Finds and boxes everyday objects in a photo (80 COCO classes: people, vehicles, animals, furniture, food…): " +
      "CenterNet with a MobileNetV3 backbone, 512×512 input.",
    task: "OBJECT_DETECTION",
    tags: ["vision", "object-detection", "coco"],
    version: "1.0.0",
    card: {
      intendedUse: "Counting and locating common objects in colour photos taken at eye level.",
      limitations:
        "A small, fast model: misses small or unusual views (an aircraft seen from above) and confuses similar " +
        "animals in old black-and-white photos (see the sanity figures). Images are stretched to 512×512.",
      license: "MIT (weights from @vladmandic/human@3.3.6, models/centernet.json; MB3-CenterNet by 610265158).",
      source:
        "TFJS graph converted to ONNX by packages/model-zoo/src/tfjs-to-onnx; matches TFJS to < 1e-4 px (tested).",
    },
    modelPath: files.model,
    assetPaths: { labels: files.labels, preprocessing: files.preprocessing },
    plans: standardPlans(2900, 200),
    evaluation,
  };
}
