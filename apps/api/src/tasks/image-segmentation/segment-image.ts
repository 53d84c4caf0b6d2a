import sharp from "sharp";
import type { Principal } from "../../auth/principal";
import type { WireTensor } from "../../infra/inference-client";
import type { AppServices } from "../../services";
import type { ImageGeometry, ImageLayout } from "../support/decode-image";
import { billedPerImage, prepareImageCall } from "../support/image-call";
import type { ImagePreprocessing } from "../support/preprocessing";
import { classMap, classShares, type MaskFormat, maskOutputOf } from "./class-map";
import { classPolygons, type MaskPolygon } from "./mask-polygons";

export interface Segmentation {
  width: number;
  height: number;
  /** `polygons` only when the call asked for them. */
  classes: { label: string; classIndex: number; pixelShare: number; polygons?: MaskPolygon[] }[];
  /** 8-bit grayscale PNG, the image's size: each pixel's value is its class index. */
  maskPng: string;
}

/**
 * Every pixel's class in each image from an IMAGE_SEGMENTATION model (convention:
 * docs/publishing.md): the model's output read as `maskFormat` declares, brought back to the
 * submitted image's pixels through the resize, letterbox or crop, and answered as the classes
 * present with their pixel share and the mask as a PNG. One image is one billed unit.
 */
export async function segmentImage(
  services: AppServices,
  caller: Principal | null,
  input: { model: string; images: { base64: string }[]; version?: string | null; polygons?: boolean | null },
): Promise<Segmentation[]> {
  const call = await prepareImageCall(services, caller, input, "IMAGE_SEGMENTATION", "segmentImage");
  const { target, labels, preprocessing } = call;
  const polygons = input.polygons === true;
  // The answer is finished inside the billed run (PNG, outlines): with an Idempotency-Key it
  // is what a retry gets back, so it must be the answer itself, not the class map behind it.
  return billedPerImage(
    services,
    call,
    async ([output], image): Promise<Segmentation> => {
      const { mask, ...found } = segmentationOf(output, image, target, preprocessing, labels);
      const classes: Segmentation["classes"] = [];
      for (const c of found.classes) {
        if (!polygons) classes.push(c);
        else {
          classes.push({ ...c, polygons: classPolygons(mask, found.width, found.height, c.classIndex) });
          // Tens of ms per class on large images: other calls get the event loop in between.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      return { ...found, classes, maskPng: await maskPng(mask, found.width, found.height) };
    },
    { images: input.images, polygons },
  );
}

/** One image's classes from the model's first output (also used to judge publish-time examples). */
export function segmentationOf(
  output: WireTensor | undefined,
  image: { width: number; height: number; geometry: ImageGeometry },
  target: ImageLayout,
  preprocessing: ImagePreprocessing,
  labels: string[],
) {
  if (!output) throw new Error("segmentation model returned no output");
  const out = maskOutputOf(output, preprocessing.maskLayout ?? target.layout);
  if (!out)
    throw new Error(`segmentation output of shape [${output.shape.join(", ")}] is not [1, C, H, W] or [1, H, W]`);
  const mask = classMap(out, maskFormatOf(preprocessing, output.datatype, out.channels), image, target);
  return { width: image.width, height: image.height, classes: classShares(mask, labels), mask };
}

/** The declared mask format, or the one the output's type and channels imply. */
export function maskFormatOf(preprocessing: ImagePreprocessing, datatype: string, channels: number): MaskFormat {
  if (preprocessing.maskFormat) return preprocessing.maskFormat;
  if (datatype.startsWith("INT") || datatype.startsWith("UINT")) return "class-index";
  return channels > 1 ? "scores" : "foreground-probability";
}

async function maskPng(mask: Uint8Array, width: number, height: number): Promise<string> {
  const png = await sharp(Buffer.from(mask.buffer, mask.byteOffset, mask.byteLength), {
    raw: { width, height, channels: 1 },
  })
    .toColourspace("b-w")
    .png({ compressionLevel: 6 })
    .toBuffer();
  return png.toString("base64");
}
