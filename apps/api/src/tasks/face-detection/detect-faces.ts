import { badInput } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { WireTensor } from "../../infra/inference-client";
import type { AppServices } from "../../services";
import { clampTo, suppressOverlaps } from "../support/boxes";
import type { ImageGeometry } from "../support/decode-image";
import { billedPerImage, prepareImageCall } from "../support/image-call";
import type { ImagePreprocessing } from "../support/preprocessing";

const MAX_FACES = 100;

export interface DetectedFace {
  score: number;
  box: { x: number; y: number; width: number; height: number };
  landmarks: { name: string; x: number; y: number }[];
}

/**
 * The faces in each image from a FACE_DETECTION model (convention: docs/publishing.md): rows of
 * (x1, y1, x2, y2, score, then x, y per declared landmark), kept when score ≥ minScore,
 * overlapping faces suppressed (IoU above `iouThreshold`), boxes and landmarks mapped back
 * through the resize, letterbox or crop to the submitted image's pixels, best first. Nothing of
 * the images is kept beyond the call (docs/privacy.md). One image is one billed unit.
 */
export async function detectFaces(
  services: AppServices,
  caller: Principal | null,
  input: { model: string; images: { base64: string }[]; minScore: number; version?: string | null },
) {
  if (!(input.minScore >= 0 && input.minScore <= 1)) throw badInput("`minScore` must be 0 to 1.", "minScore");
  const call = await prepareImageCall(services, caller, input, "FACE_DETECTION", "detectFaces");
  const { target, preprocessing } = call;
  return billedPerImage(
    services,
    call,
    ([output], image) => ({ faces: facesOf(output, image, target, preprocessing, input.minScore) }),
    { images: input.images, minScore: input.minScore },
  );
}

/** One image's faces from the model's rows, in the image's pixels. */
export function facesOf(
  output: WireTensor | undefined,
  image: { width: number; height: number; geometry: ImageGeometry },
  target: { width: number; height: number },
  preprocessing: ImagePreprocessing,
  minScore: number,
): DetectedFace[] {
  const names = preprocessing.landmarks;
  const width = 5 + 2 * names.length;
  const rows = (output?.data ?? []) as number[];
  const normalized = preprocessing.boxes === "xyxy-normalized";
  const { geometry } = image;
  // Input pixels (or 0..1 of the input) → the image's pixels, clamped to it.
  const toX = (v: number) =>
    clampTo(((normalized ? v * target.width : v) - geometry.offsetX) / geometry.scaleX, image.width);
  const toY = (v: number) =>
    clampTo(((normalized ? v * target.height : v) - geometry.offsetY) / geometry.scaleY, image.height);
  const found: DetectedFace[] = [];
  for (let r = 0; r + width <= rows.length; r += width) {
    const score = rows[r + 4] as number;
    if (!(score >= minScore)) continue;
    const x1 = toX(rows[r] as number);
    const y1 = toY(rows[r + 1] as number);
    const x2 = toX(rows[r + 2] as number);
    const y2 = toY(rows[r + 3] as number);
    if (x2 <= x1 || y2 <= y1) continue;
    found.push({
      score,
      box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 },
      landmarks: names.map((name, i) => ({
        name,
        x: toX(rows[r + 5 + 2 * i] as number),
        y: toY(rows[r + 6 + 2 * i] as number),
      })),
    });
  }
  return suppressOverlaps(found, preprocessing.iouThreshold).slice(0, MAX_FACES);
}
