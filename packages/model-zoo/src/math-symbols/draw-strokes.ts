export type Stroke = [number, number][];

export const CANVAS_SIZE = 224;
const LINE_WIDTH = 8;
const MARGIN = 20;

/**
 * A port of detypify-service's `drawStrokes` (which needs a browser canvas): strokes scaled
 * to fit 204 px, centred on a black 224×224 canvas, drawn 8 px wide in white. Returns the
 * grey values (0..1) row by row, the model's 1×1×224×224 input. Coverage is approximated by
 * distance to the nearest segment, with one pixel of anti-aliasing.
 */
export function drawStrokes(strokes: Stroke[]): Float32Array {
  const points = strokes.flat();
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const width = Math.max(maxX - minX, maxY - minY);
  const scale = width > 1e-6 ? (CANVAS_SIZE - MARGIN) / width : 1;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const segments: [number, number, number, number][] = [];
  for (const stroke of strokes) {
    const canvasPoints = stroke.map(([x, y]) => [
      Math.round((x - cx) * scale + CANVAS_SIZE / 2),
      Math.round((y - cy) * scale + CANVAS_SIZE / 2),
    ]);
    for (let i = 1; i < canvasPoints.length; i++) {
      const a = canvasPoints[i - 1] as number[];
      const b = canvasPoints[i] as number[];
      segments.push([a[0] as number, a[1] as number, b[0] as number, b[1] as number]);
    }
  }
  const pixels = new Float32Array(CANVAS_SIZE * CANVAS_SIZE);
  const half = LINE_WIDTH / 2;
  for (const [x1, y1, x2, y2] of segments) {
    const x0 = Math.max(0, Math.floor(Math.min(x1, x2) - half - 1));
    const x9 = Math.min(CANVAS_SIZE - 1, Math.ceil(Math.max(x1, x2) + half + 1));
    const y0 = Math.max(0, Math.floor(Math.min(y1, y2) - half - 1));
    const y9 = Math.min(CANVAS_SIZE - 1, Math.ceil(Math.max(y1, y2) + half + 1));
    const dx = x2 - x1;
    const dy = y2 - y1;
    const length2 = dx * dx + dy * dy;
    for (let y = y0; y <= y9; y++) {
      for (let x = x0; x <= x9; x++) {
        const px = x + 0.5;
        const py = y + 0.5;
        const t = length2 > 0 ? Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / length2)) : 0;
        const distance = Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
        const coverage = Math.max(0, Math.min(1, half + 0.5 - distance));
        const index = y * CANVAS_SIZE + x;
        if (coverage > (pixels[index] as number)) pixels[index] = coverage;
      }
    }
  }
  return pixels;
}
