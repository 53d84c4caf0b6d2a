import { imageEmbedding } from "@modelmarket/tasks";
import type { Principal } from "../../auth/principal";
import { billedCall } from "../../metering/billed-call";
import type { AppServices } from "../../services";
import { prepareImageCall } from "../support/image-call";
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
  const { callable, decoded, run } = await prepareImageCall(
    services,
    caller,
    input,
    "IMAGE_EMBEDDING",
    imageEmbedding.operation,
  );
  return billedCall(
    services,
    callable,
    input.images.length,
    async () => {
      const vectors = [];
      for (const { pixels } of decoded) vectors.push({ values: rowsOf((await run(pixels))[0], 1)[0] as number[] });
      return vectors;
    },
    { images: input.images },
  );
}
