import { badInput, payloadTooLarge } from "@modelmarket/domain";
import sharp from "sharp";
import type { ImagePreprocessing } from "../catalog/preprocessing";

export interface ImageLayout {
  layout: "NCHW" | "NHWC";
  channels: 1 | 3;
  height: number;
  width: number;
}

const DEFAULT_PREPROCESSING: ImagePreprocessing = {
  pixelRange: [0, 1],
  channelOrder: "RGB",
  boxes: "xyxy-input-pixels",
};

/**
 * One submitted image → the model's input pixels, in the model's layout, scaled and
 * normalised as its `preprocessing` declares (default: RGB scaled to 0..1).
 * Oversized bytes or pixel counts are PAYLOAD_TOO_LARGE; anything that is not a PNG or JPEG
 * is BAD_USER_INPUT. Transparent areas become black (the canvas of stroke models).
 */
export async function decodeImage(
  base64: string,
  index: number,
  target: ImageLayout,
  limits: { maxBytes: number; maxPixels: number },
  preprocessing: ImagePreprocessing = DEFAULT_PREPROCESSING,
): Promise<{ pixels: Float32Array; width: number; height: number }> {
  const field = `images.${index}`;
  if (base64.length > Math.ceil((limits.maxBytes * 4) / 3) + 4) {
    throw payloadTooLarge(`Image ${index} is larger than ${limits.maxBytes} bytes.`, limits.maxBytes);
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
    throw payloadTooLarge(`Image ${index} has more than ${limits.maxPixels} pixels.`);
  }
  let raw: Buffer;
  try {
    let pipeline = image.flatten({ background: "#000000" }).resize(target.width, target.height, { fit: "fill" });
    pipeline = target.channels === 1 ? pipeline.toColourspace("b-w") : pipeline.toColourspace("srgb");
    raw = await pipeline.raw().toBuffer();
  } catch (error) {
    throw imageError(error, index, field, limits.maxPixels);
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
  return { pixels, width: meta.width ?? 0, height: meta.height ?? 0 };
}

function imageError(error: unknown, index: number, field: string, maxPixels: number) {
  const message = (error as Error).message ?? "";
  if (/pixel limit/i.test(message)) return payloadTooLarge(`Image ${index} has more than ${maxPixels} pixels.`);
  return badInput(`Image ${index} could not be decoded as a PNG or JPEG.`, field);
}
