import { contours } from "d3-contour";
import simplify from "simplify-js";

/** One region of a class: its outline and the outlines of its holes, each a flat ring. */
export interface MaskPolygon {
  /** x0, y0, x1, y1, … in the image's pixel coordinates (pixel (i, j) covers [i, i+1] × [j, j+1]); closed implicitly. */
  exterior: number[];
  holes: number[][];
}

/** Rings shorter than this many points (after simplification) are noise, not regions. */
const MIN_POINTS = 3;

/**
 * The outlines of one class's pixels in a class map (`mask`: a class index per pixel, row by
 * row): marching squares at the class's boundary (d3-contour; pixel edges, corners cut by half a
 * pixel), then each ring simplified to within `tolerance` pixels (Douglas–Peucker, simplify-js).
 * A region's holes (other classes inside it) are its `holes`; separate regions are separate
 * polygons, largest first — the COCO segmentation format, one polygon list per class. Specks
 * that simplify to fewer than three points are left out (they stay in the mask).
 */
export function classPolygons(
  mask: Uint8Array,
  width: number,
  height: number,
  classIndex: number,
  tolerance = 1,
): MaskPolygon[] {
  // Large images are traced on a grid of at most MAX_CELLS (every step-th pixel), so a call's
  // outlines cost about the same at 1 and at 40 megapixels; the outlines are then within
  // `step` pixels, and scaled back to the image's coordinates.
  const step = Math.max(1, Math.ceil(Math.sqrt((width * height) / MAX_CELLS)));
  const w = Math.ceil(width / step);
  const h = Math.ceil(height / step);
  const inside = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * step * width;
    for (let x = 0; x < w; x++) inside[y * w + x] = mask[row + x * step] === classIndex ? 1 : 0;
  }
  const [shape] = contours().size([w, h]).thresholds([0.5])(inside as unknown as number[]);
  const polygons: { polygon: MaskPolygon; area: number }[] = [];
  for (const rings of shape?.coordinates ?? []) {
    const [outer, ...inner] = rings.map((ring) => flatRing(ring, tolerance / step, step, width, height));
    if (!outer || outer.length < MIN_POINTS * 2) continue;
    polygons.push({
      polygon: { exterior: outer, holes: inner.filter((r) => r.length >= MIN_POINTS * 2) },
      area: Math.abs(ringArea(outer)),
    });
  }
  return polygons.sort((a, b) => b.area - a.area).map((p) => p.polygon);
}

/**
 * A closed ring of [x, y] grid points → simplified flat x, y pairs in the image's coordinates
 * (without the repeated last point, within the image).
 */
function flatRing(ring: number[][], tolerance: number, step: number, width: number, height: number): number[] {
  const points = ring.slice(0, -1).map(([x, y]) => ({ x: x as number, y: y as number }));
  const kept = tolerance > 0 ? simplify(points, tolerance, true) : points;
  return kept.flatMap((p) => [round2(Math.min(width, p.x * step)), round2(Math.min(height, p.y * step))]);
}

/** The most grid cells one class is traced on (about a megapixel). */
const MAX_CELLS = 1_000_000;

/** Signed area of a flat ring (shoelace). */
export function ringArea(flat: number[]): number {
  let sum = 0;
  const n = flat.length / 2;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    sum +=
      (flat[2 * i] as number) * (flat[2 * j + 1] as number) - (flat[2 * j] as number) * (flat[2 * i + 1] as number);
  }
  return sum / 2;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
