/** A box in an image's pixels, origin top-left. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A coordinate kept inside the image: 0 to `max`. */
export function clampTo(v: number, max: number): number {
  return Math.min(Math.max(v, 0), max);
}

/** Intersection over union of two boxes (0 when they do not touch). */
export function iou(a: PixelBox, b: PixelBox): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/**
 * Greedy non-maximum suppression: best score first, a box is dropped when it overlaps a kept one
 * of the same group (objects: the same label; faces: all) by more than `threshold` IoU.
 */
export function suppressOverlaps<T extends { score: number; box: PixelBox }>(
  found: T[],
  threshold: number,
  sameGroup: (a: T, b: T) => boolean = () => true,
): T[] {
  const kept: T[] = [];
  for (const d of [...found].sort((a, b) => b.score - a.score)) {
    if (!kept.some((k) => sameGroup(k, d) && iou(k.box, d.box) > threshold)) kept.push(d);
  }
  return kept;
}
