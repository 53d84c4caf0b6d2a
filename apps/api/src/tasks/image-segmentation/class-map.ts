import type { ImageGeometry } from "../support/decode-image";

export type MaskFormat = "scores" | "class-index" | "foreground-probability" | "foreground-logit";

/** One image's output as the model gave it, read in its layout. */
export interface MaskOutput {
  data: ArrayLike<number>;
  /** [batch, C, H, W] / [batch, H, W, C] / [batch, H, W]: `channels` is 1 for the last. */
  height: number;
  width: number;
  channels: number;
  layout: "NCHW" | "NHWC";
}

/**
 * The model's output, [batch, C, H, W], [batch, H, W, C] or [batch, H, W] (one image: batch 1),
 * as a MaskOutput; null when the shape is none of those.
 */
export function maskOutputOf(output: { data: unknown; shape: number[] }, layout: "NCHW" | "NHWC"): MaskOutput | null {
  const [batch, a, b, c] = output.shape;
  if (batch !== 1) return null;
  const data = output.data as ArrayLike<number>;
  if (output.shape.length === 3) return { data, height: a as number, width: b as number, channels: 1, layout: "NCHW" };
  if (output.shape.length !== 4) return null;
  return layout === "NCHW"
    ? { data, channels: a as number, height: b as number, width: c as number, layout }
    : { data, height: a as number, width: b as number, channels: c as number, layout };
}

/**
 * The class of every pixel of the caller's image (width × height, row by row), from the
 * model's output at its own resolution: each image pixel's centre is mapped into the model's
 * input through the resize/letterbox/crop (`geometry`: input = image × scale + offset), then
 * into the output (which may be smaller than the input: output = input × out ÷ in), where
 * scores are sampled bilinearly — as Hugging Face's post_process_semantic_segmentation
 * upsamples logits before the argmax — and class ids by the nearest output pixel.
 */
export function classMap(
  out: MaskOutput,
  format: MaskFormat,
  image: { width: number; height: number; geometry: ImageGeometry },
  input: { width: number; height: number },
): Uint8Array {
  const { width, height, geometry } = image;
  const classes = new Uint8Array(width * height);
  // Class-major planes in a typed array: [channel][y][x], whatever the model's layout.
  const planes = new Float32Array(out.channels * out.height * out.width);
  const plane = out.height * out.width;
  for (let c = 0; c < out.channels; c++) {
    for (let p = 0; p < plane; p++) {
      planes[c * plane + p] = (
        out.layout === "NCHW" ? out.data[c * plane + p] : out.data[p * out.channels + c]
      ) as number;
    }
  }
  // Per column and per row: the output cells a pixel falls between and the weights.
  const xs = axisSamples(width, geometry.scaleX, geometry.offsetX, out.width / input.width, out.width);
  const ys = axisSamples(height, geometry.scaleY, geometry.offsetY, out.height / input.height, out.height);
  const threshold = format === "foreground-logit" ? 0 : 0.5;
  // One image row's scores interpolated between its two output rows, per channel and output column:
  // the bilinear sample then costs two products per class and pixel (separable interpolation).
  const row = new Float32Array(out.channels * out.width);
  for (let y = 0; y < height; y++) {
    const y0 = ys.low[y] as number;
    const y1 = ys.high[y] as number;
    const wy = ys.weight[y] as number;
    if (format === "class-index") {
      const oy = wy < 0.5 ? y0 : y1;
      for (let x = 0; x < width; x++) {
        const ox = (xs.weight[x] as number) < 0.5 ? (xs.low[x] as number) : (xs.high[x] as number);
        classes[y * width + x] = clampClass(Math.round(planes[oy * out.width + ox] as number));
      }
      continue;
    }
    for (let c = 0; c < out.channels; c++) {
      const a = c * plane + y0 * out.width;
      const b = c * plane + y1 * out.width;
      for (let ox = 0; ox < out.width; ox++) {
        row[c * out.width + ox] = (1 - wy) * (planes[a + ox] as number) + wy * (planes[b + ox] as number);
      }
    }
    for (let x = 0; x < width; x++) {
      const x0 = xs.low[x] as number;
      const x1 = xs.high[x] as number;
      const wx = xs.weight[x] as number;
      if (format !== "scores") {
        const v = (1 - wx) * (row[x0] as number) + wx * (row[x1] as number);
        classes[y * width + x] = v >= threshold ? 1 : 0;
        continue;
      }
      let cls = 0;
      let best = Number.NEGATIVE_INFINITY;
      for (let c = 0, o = 0; c < out.channels; c++, o += out.width) {
        const v = (1 - wx) * (row[o + x0] as number) + wx * (row[o + x1] as number);
        if (v > best) {
          best = v;
          cls = c;
        }
      }
      classes[y * width + x] = clampClass(cls);
    }
  }
  return classes;
}

const clampClass = (c: number) => Math.min(Math.max(c, 0), 255);

/**
 * For each of `size` image pixels along one axis: the two output cells around its centre
 * (clamped to the edges, as align_corners=False interpolation does) and the second's weight.
 */
function axisSamples(size: number, scale: number, offset: number, outPerIn: number, outSize: number) {
  const low = new Int32Array(size);
  const high = new Int32Array(size);
  const weight = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const inInput = (i + 0.5) * scale + offset;
    const pos = Math.min(Math.max(inInput * outPerIn - 0.5, 0), outSize - 1);
    const lo = Math.floor(pos);
    low[i] = lo;
    high[i] = Math.min(lo + 1, outSize - 1);
    weight[i] = pos - lo;
  }
  return { low, high, weight };
}

/** The classes present, each with its share of the image's pixels, largest first. */
export function classShares(
  classes: Uint8Array,
  labels: string[],
): { label: string; classIndex: number; pixelShare: number }[] {
  const counts = new Map<number, number>();
  for (const c of classes) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([classIndex, n]) => ({
      label: labels[classIndex] ?? String(classIndex),
      classIndex,
      pixelShare: n / classes.length,
    }));
}
