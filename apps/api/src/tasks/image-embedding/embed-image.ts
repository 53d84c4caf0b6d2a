import { imageEmbedding } from "@modelmarket/tasks";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { billedPerImage, prepareImageCall } from "../support/image-call";
import { rowsOf } from "../support/text-inputs";

/**
 * One vector per image from an IMAGE_EMBEDDING model (an image encoder: CLIP's vision tower,
 * a ResNet without its head, a product-search model): the image goes through the same
 * decoding and declared preprocessing as classification, and the first output's row
 * ([1, dim]) comes back as the model gives it. One image is one billed unit.
 */
export async function embedImage(
  services: AppServices,
  caller: Principal | null,
  input: { model: string; images: { base64: string }[]; version?: string | null },
) {
  const call = await prepareImageCall(services, caller, input, "IMAGE_EMBEDDING", imageEmbedding.operation);
  return billedPerImage(services, call, ([output]) => ({ values: rowsOf(output, 1)[0] as number[] }), {
    images: input.images,
  });
}
