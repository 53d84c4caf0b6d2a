/**
 * Resizing exactly as exporters' own pipelines do, for models trained on their pixels:
 * sharp's kernels (libvips) smooth when shrinking, and a detector or OCR model trained on
 * OpenCV's plain bilinear loses borderline answers to that difference (up to 64 grey levels).
 * Each function takes interleaved 8-bit pixels (`channels` per pixel) and returns the resized
 * ones, in the same layout. Reference values from the libraries themselves are test data
 * (resamplers.test.ts).
 */
export type Resampler = (
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  toWidth: number,
  toHeight: number,
) => Uint8Array;

const COEF_BITS = 11;
const COEF_SCALE = 1 << COEF_BITS;

/** To nearest, ties to even: OpenCV's cvRound (the x86 conversion) and Python's round(). */
export function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * One axis of OpenCV's INTER_LINEAR: per target index, the source index and both fixed-point
 * weights, each rounded on its own as OpenCV does (they may sum to 2047 or 2049).
 */
function linearAxis(src: number, dst: number, area: boolean): { index: Int32Array; w0: Int32Array; w1: Int32Array } {
  const inverse = dst / src;
  const scale = 1 / inverse;
  const index = new Int32Array(dst);
  const w0 = new Int32Array(dst);
  const w1 = new Int32Array(dst);
  for (let d = 0; d < dst; d++) {
    let s: number;
    let f: number;
    if (area) {
      // INTER_AREA when enlarging (OpenCV): the source pixel's own value, blended only where the
      // target pixel straddles two source pixels.
      s = Math.floor(d * scale);
      f = Math.fround(d + 1 - (s + 1) * inverse);
      f = f <= 0 ? 0 : Math.fround(f - Math.floor(f));
    } else {
      const x = Math.fround((d + 0.5) * scale - 0.5);
      s = Math.floor(x);
      f = Math.fround(x - s);
    }
    if (s < 0) {
      f = 0;
      s = 0;
    }
    if (s >= src - 1) {
      f = 0;
      s = src - 1;
    }
    index[d] = s;
    w0[d] = roundEven(Math.fround(Math.fround(1 - f) * COEF_SCALE));
    w1[d] = roundEven(Math.fround(f * COEF_SCALE));
  }
  return { index, w0, w1 };
}

/** OpenCV's INTER_LINEAR for 8-bit images (fixed point, no antialiasing when shrinking). */
function opencvLinear(area: boolean): Resampler {
  return (src, width, height, channels, toWidth, toHeight) => {
    const xs = linearAxis(width, toWidth, area);
    const ys = linearAxis(height, toHeight, area);
    const out = new Uint8Array(toWidth * toHeight * channels);
    const row = (y: number) => {
      const line = new Int32Array(toWidth * channels);
      const base = y * width * channels;
      for (let d = 0; d < toWidth; d++) {
        const s = xs.index[d] as number;
        const a0 = xs.w0[d] as number;
        const a1 = xs.w1[d] as number;
        const s1 = Math.min(s + 1, width - 1);
        for (let c = 0; c < channels; c++) {
          line[d * channels + c] =
            (src[base + s * channels + c] as number) * a0 + (src[base + s1 * channels + c] as number) * a1;
        }
      }
      return line;
    };
    const rows = new Map<number, Int32Array>();
    const rowOf = (y: number) => {
      let line = rows.get(y);
      if (!line) {
        line = row(y);
        rows.set(y, line);
      }
      return line;
    };
    for (let d = 0; d < toHeight; d++) {
      const s = ys.index[d] as number;
      const b0 = ys.w0[d] as number;
      const b1 = ys.w1[d] as number;
      const r0 = rowOf(s);
      const r1 = rowOf(Math.min(s + 1, height - 1));
      for (let i = 0; i < toWidth * channels; i++) {
        // OpenCV's VResizeLinear for 8 bits: ((b0·(r0 >> 4)) >> 16) + ((b1·(r1 >> 4)) >> 16), + 2 >> 2.
        const v = (((b0 * ((r0[i] as number) >> 4)) >> 16) + ((b1 * ((r1[i] as number) >> 4)) >> 16) + 2) >> 2;
        out[d * toWidth * channels + i] = Math.max(0, Math.min(255, v));
      }
      if (rows.size > 4) for (const key of rows.keys()) if (key < s) rows.delete(key);
    }
    return out;
  };
}

/** OpenCV's INTER_AREA: the average of the source area each target pixel covers (shrinking). */
const opencvArea: Resampler = (src, width, height, channels, toWidth, toHeight) => {
  if (toWidth > width || toHeight > height) return opencvLinear(true)(src, width, height, channels, toWidth, toHeight);
  const axis = (from: number, to: number) => {
    const scale = from / to;
    const spans: { index: number; weight: number }[][] = [];
    for (let d = 0; d < to; d++) {
      const start = d * scale;
      const end = start + scale;
      const span: { index: number; weight: number }[] = [];
      for (let s = Math.floor(start); s < Math.min(from, Math.ceil(end)); s++) {
        const weight = Math.min(end, s + 1) - Math.max(start, s);
        if (weight > 1e-9) span.push({ index: s, weight: weight / scale });
      }
      spans.push(span);
    }
    return spans;
  };
  const xs = axis(width, toWidth);
  const ys = axis(height, toHeight);
  const out = new Uint8Array(toWidth * toHeight * channels);
  for (let dy = 0; dy < toHeight; dy++) {
    for (let dx = 0; dx < toWidth; dx++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (const y of ys[dy] as { index: number; weight: number }[]) {
          for (const x of xs[dx] as { index: number; weight: number }[]) {
            sum += (src[(y.index * width + x.index) * channels + c] as number) * x.weight * y.weight;
          }
        }
        out[(dy * toWidth + dx) * channels + c] = Math.max(0, Math.min(255, Math.round(sum)));
      }
    }
  }
  return out;
};

const PIL_PRECISION_BITS = 32 - 8 - 2;

/** Pillow's resampling filters (antialiased: the support widens with the shrink factor). */
const PIL_FILTERS = {
  bilinear: { support: 1, weight: (x: number) => (Math.abs(x) < 1 ? 1 - Math.abs(x) : 0) },
  bicubic: {
    support: 2,
    weight: (x: number) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
};

/** Pillow's per-axis coefficients (ImagingResample: precompute_coeffs, fixed point). */
function pilAxis(from: number, to: number, filter: (typeof PIL_FILTERS)[keyof typeof PIL_FILTERS]) {
  const scale = from / to;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const bounds: { start: number; weights: Int32Array }[] = [];
  for (let d = 0; d < to; d++) {
    const center = (d + 0.5) * scale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > from) xmax = from;
    const count = xmax - xmin;
    const raw: number[] = [];
    let total = 0;
    for (let x = 0; x < count; x++) {
      const w = filter.weight((x + xmin - center + 0.5) / filterScale);
      raw.push(w);
      total += w;
    }
    const weights = new Int32Array(count);
    for (let x = 0; x < count; x++) {
      const w = total !== 0 ? (raw[x] as number) / total : 0;
      // Pillow rounds half away from zero: (int)(w * (1 << PRECISION_BITS) + (w < 0 ? -0.5 : 0.5)).
      weights[x] = Math.trunc(w * (1 << PIL_PRECISION_BITS) + (w < 0 ? -0.5 : 0.5));
    }
    bounds.push({ start: xmin, weights });
  }
  return bounds;
}

const clip8 = (v: number) => {
  const shifted = Math.floor((v + (1 << (PIL_PRECISION_BITS - 1))) / (1 << PIL_PRECISION_BITS));
  return Math.max(0, Math.min(255, shifted));
};

/** Pillow's Image.resize with BILINEAR or BICUBIC: horizontal pass to 8 bits, then vertical. */
function pil(filter: keyof typeof PIL_FILTERS): Resampler {
  return (src, width, height, channels, toWidth, toHeight) => {
    let pixels = src;
    let w = width;
    if (toWidth !== width) {
      const xs = pilAxis(width, toWidth, PIL_FILTERS[filter]);
      const next = new Uint8Array(toWidth * height * channels);
      for (let y = 0; y < height; y++) {
        for (let d = 0; d < toWidth; d++) {
          const { start, weights } = xs[d] as { start: number; weights: Int32Array };
          for (let c = 0; c < channels; c++) {
            let sum = 0;
            for (let k = 0; k < weights.length; k++) {
              sum += (pixels[(y * w + start + k) * channels + c] as number) * (weights[k] as number);
            }
            next[(y * toWidth + d) * channels + c] = clip8(sum);
          }
        }
      }
      pixels = next;
      w = toWidth;
    }
    if (toHeight !== height) {
      const ys = pilAxis(height, toHeight, PIL_FILTERS[filter]);
      const next = new Uint8Array(w * toHeight * channels);
      for (let d = 0; d < toHeight; d++) {
        const { start, weights } = ys[d] as { start: number; weights: Int32Array };
        for (let x = 0; x < w; x++) {
          for (let c = 0; c < channels; c++) {
            let sum = 0;
            for (let k = 0; k < weights.length; k++) {
              sum += (pixels[((start + k) * w + x) * channels + c] as number) * (weights[k] as number);
            }
            next[(d * w + x) * channels + c] = clip8(sum);
          }
        }
      }
      pixels = next;
    }
    return pixels === src ? new Uint8Array(src) : pixels;
  };
}

/** The resamplers by the name a preprocessing declaration gives them (what each matches). */
export const RESAMPLERS: Record<"opencv-linear" | "opencv-area" | "pil-bilinear" | "pil-bicubic", Resampler> = {
  "opencv-linear": opencvLinear(false),
  "opencv-area": opencvArea,
  "pil-bilinear": pil("bilinear"),
  "pil-bicubic": pil("bicubic"),
};
