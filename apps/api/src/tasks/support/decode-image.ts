import { badInput, payloadTooLarge } from "@modelmarket/domain";
import sharp from "sharp";
import type { ImagePreprocessing } from "./preprocessing";
import { RESAMPLERS, roundEven } from "./resamplers";

export interface ImageLayout {
  layout: "NCHW" | "NHWC";
  channels: 1 | 3;
  height: number;
  width: number;
}

/**
 * Where the submitted image landed in the model's input: input = original × scale + offset
 * (per axis), so a box in input pixels maps back with (input − offset) ÷ scale.
 */
export interface ImageGeometry {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
}

/** sharp's own kernels; the other interpolations are exporters' resamplers (resamplers.ts). */
const KERNEL = { lanczos3: "lanczos3", bilinear: "linear", bicubic: "cubic", nearest: "nearest" } as const;

/** The resize of `preprocessing` for an image of width × height into `target`. */
export function planResize(
  width: number,
  height: number,
  target: { width: number; height: number },
  preprocessing: Pick<ImagePreprocessing, "resize" | "letterbox" | "shorterSide">,
): {
  resizeTo: { width: number; height: number };
  geometry: ImageGeometry;
  pad?: { left: number; top: number };
  crop?: { left: number; top: number };
} {
  const W = target.width;
  const H = target.height;
  if (preprocessing.resize === "fixed-height") {
    // PaddleOCR's resize_norm_img: ceil(H · w / h), at most the input's width (wider lines are squeezed).
    const w = Math.max(1, Math.min(W, Math.ceil((H * width) / height)));
    return {
      resizeTo: { width: w, height: H },
      geometry: { scaleX: w / width, scaleY: H / height, offsetX: 0, offsetY: 0 },
      pad: { left: 0, top: 0 },
    };
  }
  if (preprocessing.resize === "letterbox") {
    const s = Math.min(W / width, H / height);
    const w = Math.max(1, Math.min(W, Math.round(width * s)));
    const h = Math.max(1, Math.min(H, Math.round(height * s)));
    const centre = preprocessing.letterbox.align === "center";
    const left = centre ? Math.floor((W - w) / 2) : 0;
    const top = centre ? Math.floor((H - h) / 2) : 0;
    return {
      resizeTo: { width: w, height: h },
      geometry: { scaleX: w / width, scaleY: h / height, offsetX: left, offsetY: top },
      pad: { left, top },
    };
  }
  if (preprocessing.resize === "shorter-side-crop") {
    // torchvision's Resize(shorter) + CenterCrop: the longer side int(shorter · long / short),
    // truncated, and the crop's corner round((size − crop) / 2), ties to even (Python's round).
    const shorter = preprocessing.shorterSide ?? Math.round(Math.max(W, H) / 0.875);
    const longer = (long: number, short: number) => Math.trunc((shorter * long) / short);
    const w = Math.max(W, width <= height ? shorter : longer(width, height));
    const h = Math.max(H, width <= height ? longer(height, width) : shorter);
    const left = roundEven((w - W) / 2);
    const top = roundEven((h - H) / 2);
    return {
      resizeTo: { width: w, height: h },
      geometry: { scaleX: w / width, scaleY: h / height, offsetX: -left, offsetY: -top },
      crop: { left, top },
    };
  }
  return {
    resizeTo: { width: W, height: H },
    geometry: { scaleX: W / width, scaleY: H / height, offsetX: 0, offsetY: 0 },
  };
}

/**
 * One submitted image → the model's input pixels, in the model's layout, scaled and
 * normalised as its `preprocessing` declares (default: RGB scaled to 0..1).
 * Oversized bytes or pixel counts are PAYLOAD_TOO_LARGE; anything that is not a PNG or JPEG
 * is BAD_USER_INPUT. Transparent areas become black (the canvas of stroke models).
 * The header is read first; the decode itself waits for `admit(pixels)` (the process's
 * DecodeGate, by the image's pixel count) and gives its place back when done.
 */
export async function decodeImage(
  base64: string,
  index: number,
  target: ImageLayout,
  limits: { maxBytes: number; maxPixels: number },
  preprocessing: ImagePreprocessing,
  admit: (pixels: number) => Promise<() => void>,
): Promise<{ pixels: Float32Array; width: number; height: number; geometry: ImageGeometry; resized: Buffer }> {
  const field = `images.${index}`;
  if (base64.length > Math.ceil((limits.maxBytes * 4) / 3) + 4) {
    throw payloadTooLarge(`Image ${index} is larger than ${limits.maxBytes} bytes (IMAGE_MAX_BYTES).`, limits.maxBytes);
  }
  if (!/^[A-Za-z0-9+/=\s_-]*$/.test(base64)) throw badInput(`Image ${index} is not valid base64.`, field);
  const bytes = Buffer.from(base64, "base64");
  if (bytes.length === 0) throw badInput(`Image ${index} is empty.`, field);
  let image: sharp.Sharp;
  let meta: sharp.Metadata;
  try {
    image = sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: "error" });
    meta = await image.metadata();
  } catch (error) {
    throw imageError(error, index, field, limits.maxPixels);
  }
  if (meta.format !== "png" && meta.format !== "jpeg") {
    throw badInput(`Image ${index} must be a PNG or JPEG (got ${meta.format ?? "unknown"}).`, field);
  }
  if ((meta.width ?? 0) * (meta.height ?? 0) > limits.maxPixels) {
    throw payloadTooLarge(`Image ${index} has more than ${limits.maxPixels} pixels (IMAGE_MAX_PIXELS).`);
  }
  let raw: Buffer;
  // EXIF orientation applies first, so width and height are the image as a viewer shows it.
  const oriented = (meta.orientation ?? 1) >= 5;
  const shownWidth = (oriented ? meta.height : meta.width) ?? 0;
  const shownHeight = (oriented ? meta.width : meta.height) ?? 0;
  const plan = planResize(shownWidth, shownHeight, target, preprocessing);
  const release = await admit(shownWidth * shownHeight);
  const interpolation = preprocessing.interpolation;
  try {
    if (interpolation in RESAMPLERS) {
      // An exporter's resampler: the whole image as 8-bit pixels, resized here, then placed.
      const upright = image.rotate().flatten({ background: "#000000" });
      const { data, info } = await (target.channels === 1
        ? upright.toColourspace("b-w")
        : upright.toColourspace("srgb")
      )
        .raw({ depth: "uchar" })
        .toBuffer({ resolveWithObject: true });
      const resample = RESAMPLERS[interpolation as keyof typeof RESAMPLERS];
      const resized = resample(data, info.width, info.height, info.channels, plan.resizeTo.width, plan.resizeTo.height);
      raw = place(resized, info.channels, plan, target, preprocessing.letterbox.pad);
    } else raw = await sharpPipeline(image, plan, target, preprocessing);
  } catch (error) {
    throw imageError(error, index, field, limits.maxPixels);
  } finally {
    release();
  }
  const { channels, height, width } = target;
  const plane = height * width;
  const pixels = new Float32Array(plane * channels);
  const scale = preprocessing.pixelRange[1] / 255;
  const bgr = channels === 3 && preprocessing.channelOrder === "BGR";
  const mean = (c: number) => preprocessing.mean?.[c] ?? preprocessing.mean?.[0] ?? 0;
  const std = (c: number) => preprocessing.std?.[c] ?? preprocessing.std?.[0] ?? 1;
  // fixed-height: the columns right of the line are padding, at the value the exporter feeds.
  const padFrom = preprocessing.resize === "fixed-height" ? plan.resizeTo.width : width;
  const padValue = preprocessing.fixedHeight.padValue;
  for (let p = 0; p < plane; p++) {
    const padded = p % width >= padFrom;
    for (let c = 0; c < channels; c++) {
      const source = bgr ? 2 - c : c;
      const value = padded ? padValue : ((raw[p * channels + source] as number) * scale - mean(c)) / std(c);
      pixels[target.layout === "NCHW" ? c * plane + p : p * channels + c] = value;
    }
  }
  // `resized`: the model's input as 8-bit pixels before scaling (what a preview shows).
  return { pixels, width: shownWidth, height: shownHeight, geometry: plan.geometry, resized: raw };
}

/** The resize, pad and crop of `plan` with sharp's own kernels. */
async function sharpPipeline(
  image: sharp.Sharp,
  plan: ReturnType<typeof planResize>,
  target: ImageLayout,
  preprocessing: ImagePreprocessing,
): Promise<Buffer> {
  {
    let pipeline = image
      .rotate()
      .flatten({ background: "#000000" })
      .resize(plan.resizeTo.width, plan.resizeTo.height, {
        fit: "fill",
        kernel: KERNEL[preprocessing.interpolation as keyof typeof KERNEL],
      });
    if (plan.pad) {
      const pad = preprocessing.letterbox.pad;
      pipeline = pipeline.extend({
        left: plan.pad.left,
        top: plan.pad.top,
        right: target.width - plan.resizeTo.width - plan.pad.left,
        bottom: target.height - plan.resizeTo.height - plan.pad.top,
        background: { r: pad, g: pad, b: pad, alpha: 1 },
      });
    }
    if (plan.crop) {
      pipeline = pipeline.extract({
        left: plan.crop.left,
        top: plan.crop.top,
        width: target.width,
        height: target.height,
      });
    }
    pipeline = target.channels === 1 ? pipeline.toColourspace("b-w") : pipeline.toColourspace("srgb");
    return pipeline.raw().toBuffer();
  }
}

/** Resized pixels placed on the model's canvas: padded (letterbox, fixed-height) or cropped. */
function place(
  resized: Uint8Array,
  channels: number,
  plan: ReturnType<typeof planResize>,
  target: ImageLayout,
  pad: number,
): Buffer {
  const { width: W, height: H } = target;
  const { width: w, height: h } = plan.resizeTo;
  if (!plan.pad && !plan.crop) return Buffer.from(resized.buffer, resized.byteOffset, resized.byteLength);
  const out = Buffer.alloc(W * H * channels, plan.pad ? pad : 0);
  const left = plan.pad?.left ?? -(plan.crop?.left ?? 0);
  const top = plan.pad?.top ?? -(plan.crop?.top ?? 0);
  for (let y = 0; y < h; y++) {
    const ty = y + top;
    if (ty < 0 || ty >= H) continue;
    for (let x = 0; x < w; x++) {
      const tx = x + left;
      if (tx < 0 || tx >= W) continue;
      for (let c = 0; c < channels; c++)
        out[(ty * W + tx) * channels + c] = resized[(y * w + x) * channels + c] as number;
    }
  }
  return out;
}

function imageError(error: unknown, index: number, field: string, maxPixels: number) {
  const message = (error as Error).message ?? "";
  if (/pixel limit/i.test(message)) return payloadTooLarge(`Image ${index} has more than ${maxPixels} pixels.`);
  return badInput(`Image ${index} could not be decoded as a PNG or JPEG.`, field);
}
