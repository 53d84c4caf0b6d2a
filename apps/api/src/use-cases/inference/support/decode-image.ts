import { badInput, payloadTooLarge } from "@modelmarket/domain";
import sharp from "sharp";
import type { ImagePreprocessing } from "../../catalog/support/preprocessing";

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
    const shorter = preprocessing.shorterSide ?? Math.round(Math.max(W, H) / 0.875);
    const s = shorter / Math.min(width, height);
    const w = Math.max(W, Math.round(width * s));
    const h = Math.max(H, Math.round(height * s));
    const left = Math.round((w - W) / 2);
    const top = Math.round((h - H) / 2);
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
  try {
    let pipeline = image
      .rotate()
      .flatten({ background: "#000000" })
      .resize(plan.resizeTo.width, plan.resizeTo.height, { fit: "fill", kernel: KERNEL[preprocessing.interpolation] });
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
    raw = await pipeline.raw().toBuffer();
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
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++) {
      const source = bgr ? 2 - c : c;
      const value = ((raw[p * channels + source] as number) * scale - mean(c)) / std(c);
      pixels[target.layout === "NCHW" ? c * plane + p : p * channels + c] = value;
    }
  }
  // `resized`: the model's input as 8-bit pixels before scaling (what a preview shows).
  return { pixels, width: shownWidth, height: shownHeight, geometry: plan.geometry, resized: raw };
}

function imageError(error: unknown, index: number, field: string, maxPixels: number) {
  const message = (error as Error).message ?? "";
  if (/pixel limit/i.test(message)) return payloadTooLarge(`Image ${index} has more than ${maxPixels} pixels.`);
  return badInput(`Image ${index} could not be decoded as a PNG or JPEG.`, field);
}
