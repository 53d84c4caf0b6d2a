import { describe, expect, it } from "vitest";
import { classPolygons, ringArea } from "./mask-polygons";

/** A class map of w × h, class `c` where `paint` says so. */
function map(w: number, h: number, paint: (x: number, y: number) => number): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) m[y * w + x] = paint(x, y);
  return m;
}

describe("class outlines (mask-polygons.ts)", () => {
  it("happy: a frame with a hole is one polygon whose outline and hole have the frame's and the hole's areas", () => {
    // Class 1 on x 10–49, y 10–39 (40 × 30), with class 0 inside on x 20–29, y 15–24 (10 × 10).
    const m = map(60, 50, (x, y) =>
      x >= 10 && x < 50 && y >= 10 && y < 40 && !(x >= 20 && x < 30 && y >= 15 && y < 25) ? 1 : 0,
    );
    const [polygon, ...rest] = classPolygons(m, 60, 50, 1);
    expect(rest).toEqual([]);
    // Marching squares cut each corner by half a pixel (1/8 px² each); simplification stays within 1 px.
    expect(Math.abs(Math.abs(ringArea(polygon?.exterior as number[])) - 1200)).toBeLessThan(40);
    expect(polygon?.holes).toHaveLength(1);
    expect(Math.abs(Math.abs(ringArea(polygon?.holes[0] as number[])) - 100)).toBeLessThan(10);
    for (const v of polygon?.exterior ?? []) expect(v).toBeGreaterThanOrEqual(0);
  });

  it("happy: a large map is traced on a coarser grid, its outline still in the image's coordinates", () => {
    // 3000 × 2000 (6 MP): traced every 3rd pixel; a 1500 × 1000 block at (600, 400).
    const w = 3000;
    const h = 2000;
    const m = map(w, h, (x, y) => (x >= 600 && x < 2100 && y >= 400 && y < 1400 ? 5 : 0));
    const [block] = classPolygons(m, w, h, 5);
    const xs = (block?.exterior ?? []).filter((_, i) => i % 2 === 0);
    const ys = (block?.exterior ?? []).filter((_, i) => i % 2 === 1);
    for (const [got, want] of [
      [Math.min(...xs), 600],
      [Math.max(...xs), 2100],
      [Math.min(...ys), 400],
      [Math.max(...ys), 1400],
    ]) {
      expect(Math.abs((got as number) - (want as number))).toBeLessThanOrEqual(4);
    }
    expect(Math.abs(Math.abs(ringArea(block?.exterior as number[])) / (1500 * 1000) - 1)).toBeLessThan(0.01);
  });

  it("happy: separate regions are separate polygons, largest first; a one-pixel speck is left to the mask", () => {
    const m = map(40, 20, (x, y) =>
      (x >= 2 && x < 6 && y >= 2 && y < 6) || (x >= 20 && x < 36 && y >= 2 && y < 18) || (x === 10 && y === 10) ? 3 : 0,
    );
    const polygons = classPolygons(m, 40, 20, 3);
    expect(polygons).toHaveLength(2);
    const areas = polygons.map((p) => Math.abs(ringArea(p.exterior)));
    expect(areas[0]).toBeGreaterThan(240);
    expect(areas[1]).toBeGreaterThan(12);
    expect(areas[1]).toBeLessThan(17);
    // A class that is not in the map has no outline; one that fills it hugs the borders.
    expect(classPolygons(m, 40, 20, 7)).toEqual([]);
    const full = classPolygons(new Uint8Array(40 * 20), 40, 20, 0);
    expect(full).toHaveLength(1);
    // The whole map, less the corners that marching squares and the 1 px simplification cut.
    expect(Math.abs(ringArea(full[0]?.exterior as number[]))).toBeGreaterThan(770);
  });
});
