import fs from "node:fs";
import path from "node:path";
import { packageDir } from "../package-dir";
import { convertTfjsToOnnx } from "../tfjs-to-onnx/convert-tfjs-to-onnx";
import type { OnnxGraphBuilder } from "../tfjs-to-onnx/onnx-graph-builder";
import { readTfjsGraph } from "../tfjs-to-onnx/read-tfjs-graph";
import { standardPlans, type ZooModel } from "../zoo-model";
import { evaluateFaceDetector } from "./evaluate-face-detector";

export const FACE_INPUT_SIZE = 256;
/** BlazeFace's six keypoints, in the order its regressors give them (MediaPipe's face detection). */
export const BLAZEFACE_LANDMARKS = ["right_eye", "left_eye", "nose", "mouth", "right_ear", "left_ear"];
/** What the detector declares in its `preprocessing` asset (docs/publishing.md, FACE_DETECTION). */
export const FACE_DETECTOR_PREPROCESSING = {
  pixelRange: [0, 255],
  mean: [127.5],
  std: [127.5],
  interpolation: "bilinear",
  landmarks: BLAZEFACE_LANDMARKS,
  iouThreshold: 0.3,
} as const;

export function faceDetectorModelJson(): string {
  return path.join(packageDir("@vladmandic/human"), "models", "blazeface.json");
}

/**
 * BlazeFace's anchors for a 256×256 input (as @vladmandic/human's generateAnchors): a 16×16
 * grid with 2 anchors per cell, then an 8×8 grid with 6, each at its cell's centre, in pixels.
 */
export function blazefaceAnchors(size = FACE_INPUT_SIZE): [number, number][] {
  const anchors: [number, number][] = [];
  for (const [stride, perCell] of [
    [size / 16, 2],
    [size / 8, 6],
  ] as const) {
    const cells = Math.floor((size + stride - 1) / stride);
    for (let gy = 0; gy < cells; gy++)
      for (let gx = 0; gx < cells; gx++)
        for (let n = 0; n < perCell; n++) anchors.push([stride * (gx + 0.5), stride * (gy + 0.5)]);
  }
  return anchors;
}

/**
 * BlazeFace (MediaPipe's short-range face detector) from the weights that ship with
 * @vladmandic/human (MIT; the model Apache-2.0, Google), converted from TFJS to ONNX by our
 * converter, with its decoding added to the graph as human's blazeface.ts does it: scores are
 * the sigmoid of the logits; box centres and the six landmarks are offsets from the 896
 * anchors, sizes in input pixels; non-maximum suppression keeps up to 100 faces. Input `image`
 * [1, 256, 256, 3] RGB scaled to −1..1; output `faces` [1, n, 17]: (x1, y1, x2, y2, score, then
 * x, y of each landmark) in input pixels — the FACE_DETECTION convention.
 */
export async function faceDetector(outDir: string): Promise<ZooModel> {
  const dir = path.join(outDir, "face-detector");
  fs.mkdirSync(dir, { recursive: true });
  const graph = readTfjsGraph(faceDetectorModelJson());
  // The four heads: 512 anchors (16×16 grid) and 384 (8×8), each a logit and 16 regressors.
  const { builder: b, outputs } = convertTfjsToOnnx(graph, {
    inputs: [{ tf: "input", tensor: "image", kind: "float" }],
    outputs: ["Identity", "Identity_2", "Identity_1", "Identity_3"],
  });
  b.declare("image");
  const [logits512, regressors512, logits384, regressors384] = outputs as [string, string, string, string];
  const all = b.op(
    "Concat",
    [
      b.op("Concat", [logits512, regressors512], { axis: { int: 2 } }),
      b.op("Concat", [logits384, regressors384], { axis: { int: 2 } }),
    ],
    { axis: { int: 1 } },
  );
  decodeFaces(b, all, blazefaceAnchors());
  const files = {
    model: path.join(dir, "model.onnx"),
    preprocessing: path.join(dir, "preprocessing.json"),
  };
  fs.writeFileSync(
    files.model,
    b.toModel(
      [{ name: "image", elemType: "FLOAT", shape: [1, FACE_INPUT_SIZE, FACE_INPUT_SIZE, 3] }],
      [{ name: "faces", elemType: "FLOAT", shape: [1, "faces", 5 + 2 * BLAZEFACE_LANDMARKS.length] }],
      { producer: "modelmarket-model-zoo (tfjs-to-onnx)" },
    ),
  );
  fs.writeFileSync(files.preprocessing, `${JSON.stringify(FACE_DETECTOR_PREPROCESSING)}\n`);
  const evaluation = await evaluateFaceDetector(files.model);
  return {
    name: "face-detector",
    description:
      "Finds faces in a photo with their eyes, nose, mouth and ears: MediaPipe's BlazeFace (short range), 256×256 input.",
    task: "FACE_DETECTION",
    tags: ["vision", "faces", "face-detection"],
    version: "1.0.0",
    card: {
      intendedUse:
        "Finding where faces are (to blur them, crop them for a verification the person agreed to, or count " +
        "people in a frame). It says where a face is, never who it is.",
      limitations:
        "Short-range model: faces that fill at least about a tenth of the photo, roughly frontal; small faces in " +
        "group photos and strong profiles are missed. Photos are stretched to 256×256.",
      license:
        "Model: Apache-2.0 (Google MediaPipe BlazeFace); weights from @vladmandic/human@3.3.6 (MIT), models/blazeface.json.",
      source:
        "TFJS graph converted to ONNX by packages/model-zoo/src/tfjs-to-onnx, anchor decoding and suppression added " +
        "as in human's src/face/blazeface.ts (packages/model-zoo/src/face-detector).",
    },
    modelPath: files.model,
    assetPaths: { preprocessing: files.preprocessing },
    plans: standardPlans(1900, 150),
    evaluation,
  };
}

/**
 * The decoding as ONNX nodes, appended to `b`: rows [1, 896, 17] of (logit, cx, cy, w, h,
 * 6 × (x, y)) → `faces` [1, n, 17] of (x1, y1, x2, y2, score, 6 × (x, y)), suppressed.
 */
function decodeFaces(b: OnnxGraphBuilder, rows: string, anchors: [number, number][]): void {
  const n = anchors.length;
  const slice = (from: number, to: number) => b.op("Slice", [rows, b.int64s([from]), b.int64s([to]), b.int64s([2])]);
  const anchorXY = b.floats("anchors", [n, 2], anchors.flat());
  const anchorLandmarks = b.floats(
    "anchors_landmarks",
    [n, 12],
    anchors.flatMap(([x, y]) => Array.from({ length: 6 }, () => [x, y]).flat()),
  );
  const half = b.floats("half", [], [0.5]);
  const centres = b.op("Add", [slice(1, 3), anchorXY]);
  const sizes = slice(3, 5);
  const halfSizes = b.op("Mul", [sizes, half]);
  const starts = b.op("Sub", [centres, halfSizes]);
  const ends = b.op("Add", [centres, halfSizes]);
  const scores = b.op("Sigmoid", [slice(0, 1)]);
  const landmarks = b.op("Add", [slice(5, 17), anchorLandmarks]);
  const decoded = b.op("Concat", [starts, ends, scores, landmarks], { axis: { int: 2 } });
  // NonMaxSuppression: boxes [1, n, 4] as centre and size, scores [1, 1, n].
  const selected = b.op(
    "NonMaxSuppression",
    [
      b.op("Concat", [centres, sizes], { axis: { int: 2 } }),
      b.op("Transpose", [scores], { perm: { ints: [0, 2, 1] } }),
      b.int64s([100]),
      b.floats("iou_threshold", [1], [0.3]),
      b.floats("score_threshold", [1], [0.1]),
    ],
    { center_point_box: { int: 1 } },
  );
  const indices = b.op("Gather", [selected, b.int64s([2], [])], { axis: { int: 1 } });
  b.node("Gather", [decoded, indices], { axis: { int: 1 } }, ["faces"]);
}
