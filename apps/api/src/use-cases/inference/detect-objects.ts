import { badInput } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { billedCall } from "./billed-call";
import { prepareImageCall } from "./image-call";

const MAX_OBJECTS = 100;
const OVERLAP_IOU = 0.5;

export interface Detection {
  label: string;
  score: number;
  box: { x: number; y: number; width: number; height: number };
}

/**
 * Objects in each image from an OBJECT_DETECTION model (convention: docs/publishing.md):
 * rows of (x1, y1, x2, y2, score, class) from the model, kept when score ≥ minScore,
 * overlapping boxes of the same class suppressed (IoU > 0.5), and boxes mapped back to the
 * submitted image's pixels (origin top-left), best first.
 */
export async function detectObjects(
  services: AppServices,
  caller: Principal | null,
  input: { model: string; images: { base64: string }[]; minScore: number; version?: string | null },
) {
  if (!(input.minScore >= 0 && input.minScore <= 1)) throw badInput("`minScore` must be 0 to 1.", "minScore");
  const { callable, target, labels, preprocessing, decoded, run } = await prepareImageCall(
    services,
    caller,
    input,
    "OBJECT_DETECTION",
    "detectObjects",
  );
  return billedCall(
    services,
    callable,
    input.images.length,
    async () => {
      const results = [];
      for (const { pixels, width, height } of decoded) {
        const [output] = await run(pixels);
        const rows = (output?.data ?? []) as number[];
        const sx = preprocessing.boxes === "xyxy-normalized" ? width : width / target.width;
        const sy = preprocessing.boxes === "xyxy-normalized" ? height : height / target.height;
        const candidates: Detection[] = [];
        for (let r = 0; r + 6 <= rows.length; r += 6) {
          const score = rows[r + 4] as number;
          if (!(score >= input.minScore)) continue;
          const x1 = clamp((rows[r] as number) * sx, width);
          const y1 = clamp((rows[r + 1] as number) * sy, height);
          const x2 = clamp((rows[r + 2] as number) * sx, width);
          const y2 = clamp((rows[r + 3] as number) * sy, height);
          if (x2 <= x1 || y2 <= y1) continue;
          const cls = Math.round(rows[r + 5] as number);
          candidates.push({
            label: labels[cls] ?? String(cls),
            score,
            box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 },
          });
        }
        results.push({ objects: suppressOverlaps(candidates).slice(0, MAX_OBJECTS) });
      }
      return results;
    },
    { images: input.images, minScore: input.minScore },
  );
}

function clamp(v: number, max: number): number {
  return Math.min(Math.max(v, 0), max);
}

/** Greedy non-maximum suppression per label. */
function suppressOverlaps(detections: Detection[]): Detection[] {
  const kept: Detection[] = [];
  for (const d of [...detections].sort((a, b) => b.score - a.score)) {
    if (!kept.some((k) => k.label === d.label && iou(k.box, d.box) > OVERLAP_IOU)) kept.push(d);
  }
  return kept;
}

function iou(a: Detection["box"], b: Detection["box"]): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}
