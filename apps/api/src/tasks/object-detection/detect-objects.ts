import { badInput } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { WireTensor } from "../../infra/inference-client";
import type { AppServices } from "../../services";
import { clampTo, suppressOverlaps } from "../support/boxes";
import type { ImageGeometry } from "../support/decode-image";
import { billedPerImage, prepareImageCall } from "../support/image-call";
import type { ImagePreprocessing } from "../support/preprocessing";

const MAX_OBJECTS = 100;

export interface Detection {
  label: string;
  score: number;
  box: { x: number; y: number; width: number; height: number };
}

/**
 * Objects in each image from an OBJECT_DETECTION model (convention: docs/publishing.md):
 * rows of (x1, y1, x2, y2, score, class), or a raw YOLO head, kept when score ≥ minScore,
 * overlapping boxes of the same class suppressed (IoU above the declared threshold, 0.5 by
 * default), and boxes mapped back to the submitted image's pixels through the resize,
 * letterbox or crop (origin top-left), best first.
 */
export async function detectObjects(
  services: AppServices,
  caller: Principal | null,
  input: { model: string; images: { base64: string }[]; minScore: number; version?: string | null },
) {
  if (!(input.minScore >= 0 && input.minScore <= 1)) throw badInput("`minScore` must be 0 to 1.", "minScore");
  const call = await prepareImageCall(services, caller, input, "OBJECT_DETECTION", "detectObjects");
  const { target, labels, preprocessing } = call;
  return billedPerImage(
    services,
    call,
    ([output], image) => ({ objects: detectionsOf(output, image, target, preprocessing, labels, input.minScore) }),
    { images: input.images, minScore: input.minScore },
  );
}

/**
 * One image's objects from the model's output: boxes in input pixels (rows or a YOLO head),
 * mapped back through the resize/letterbox/crop to the image's pixels, suppressed per label.
 */
export function detectionsOf(
  output: WireTensor | undefined,
  image: { width: number; height: number; geometry: ImageGeometry },
  target: { width: number; height: number },
  preprocessing: ImagePreprocessing,
  labels: string[],
  minScore: number,
): Detection[] {
  const { width, height, geometry } = image;
  const inInput =
    preprocessing.detectionFormat === "yolo"
      ? yoloBoxes(output, minScore)
      : rowBoxes((output?.data ?? []) as number[], minScore, preprocessing.boxes, target);
  const candidates: Detection[] = [];
  for (const d of inInput) {
    const x1 = clampTo((d.x1 - geometry.offsetX) / geometry.scaleX, width);
    const y1 = clampTo((d.y1 - geometry.offsetY) / geometry.scaleY, height);
    const x2 = clampTo((d.x2 - geometry.offsetX) / geometry.scaleX, width);
    const y2 = clampTo((d.y2 - geometry.offsetY) / geometry.scaleY, height);
    if (x2 <= x1 || y2 <= y1) continue;
    candidates.push({
      label: labels[d.cls] ?? String(d.cls),
      score: d.score,
      box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 },
    });
  }
  return suppressOverlaps(candidates, preprocessing.iouThreshold, (a, b) => a.label === b.label).slice(0, MAX_OBJECTS);
}

type RawBox = { x1: number; y1: number; x2: number; y2: number; score: number; cls: number };

/** Rows of (x1, y1, x2, y2, score, class) in input pixels (or normalised to the input). */
function rowBoxes(
  rows: number[],
  minScore: number,
  boxes: "xyxy-input-pixels" | "xyxy-normalized",
  target: { width: number; height: number },
): RawBox[] {
  const sx = boxes === "xyxy-normalized" ? target.width : 1;
  const sy = boxes === "xyxy-normalized" ? target.height : 1;
  const out: RawBox[] = [];
  for (let r = 0; r + 6 <= rows.length; r += 6) {
    const score = rows[r + 4] as number;
    if (!(score >= minScore)) continue;
    out.push({
      x1: (rows[r] as number) * sx,
      y1: (rows[r + 1] as number) * sy,
      x2: (rows[r + 2] as number) * sx,
      y2: (rows[r + 3] as number) * sy,
      score,
      cls: Math.round(rows[r + 5] as number),
    });
  }
  return out;
}

/**
 * A raw YOLO-family head, [1, 4 + classes, anchors]: per anchor (centre x, centre y, width,
 * height) in input pixels, then one score per class; the best class is the anchor's.
 */
function yoloBoxes(output: { data: unknown; shape: number[] } | undefined, minScore: number): RawBox[] {
  if (output?.shape.length !== 3) throw new Error("a YOLO head must be [batch, 4 + classes, anchors]");
  const data = output.data as number[];
  const channels = output.shape[1] as number;
  const anchors = output.shape[2] as number;
  const out: RawBox[] = [];
  for (let a = 0; a < anchors; a++) {
    let best = -1;
    let score = Number.NEGATIVE_INFINITY;
    for (let c = 4; c < channels; c++) {
      const v = data[c * anchors + a] as number;
      if (v > score) {
        score = v;
        best = c - 4;
      }
    }
    if (!(score >= minScore)) continue;
    const cx = data[a] as number;
    const cy = data[anchors + a] as number;
    const w = data[2 * anchors + a] as number;
    const h = data[3 * anchors + a] as number;
    out.push({ x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2, score, cls: best });
  }
  return out;
}
