import { faceEmbedding } from "@modelmarket/tasks";
import type { Principal } from "../../auth/principal";
import { billedCall } from "../../metering/billed-call";
import type { AppServices } from "../../services";
import { prepareImageCall } from "../support/image-call";
import { rowsOf } from "../support/text-inputs";

export interface FaceComparison {
  cosine: number;
  threshold: number;
  sameFace: boolean;
}

/**
 * Whether two face photos show the same person, by a FACE_EMBEDDING model (convention:
 * docs/publishing.md): each photo goes through the image decoding and declared preprocessing,
 * the model's first output row is the face's vector, and their cosine is compared with the
 * threshold the publisher declared (`matchThreshold`). Nothing of the photos or vectors is kept
 * beyond the call (docs/privacy.md). Two photos are two billed units.
 */
export async function compareFaces(
  services: AppServices,
  caller: Principal | null,
  input: { model: string; a: { base64: string }; b: { base64: string }; version?: string | null },
): Promise<FaceComparison> {
  const { callable, decoded, run, preprocessing } = await prepareImageCall(
    services,
    caller,
    { model: input.model, images: [input.a, input.b], version: input.version },
    "FACE_EMBEDDING",
    faceEmbedding.operation,
  );
  const threshold = preprocessing.matchThreshold;
  // Publish requires it; a version without one is a bug, not the caller's input.
  if (threshold === undefined) throw new Error("FACE_EMBEDDING version without matchThreshold");
  // The cosine is computed inside the billed run, so that what an Idempotency-Key keeps for a
  // retry is the answer, never the face vectors (docs/privacy.md).
  return billedCall(
    services,
    callable,
    2,
    async () => {
      const vectors: number[][] = [];
      for (const { pixels } of decoded) vectors.push(rowsOf((await run(pixels))[0], 1)[0] as number[]);
      const cosine = cosineOf(vectors[0] as number[], vectors[1] as number[]);
      return { cosine, threshold, sameFace: cosine >= threshold };
    },
    { a: input.a, b: input.b },
  );
}

/** Cosine similarity; 0 when either vector is all zeros (no face features at all). */
export function cosineOf(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
