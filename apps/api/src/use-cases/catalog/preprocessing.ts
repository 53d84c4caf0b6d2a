import type { ModelTask } from "@modelmarket/db";
import { z } from "zod";

/**
 * What a publisher declares about feeding a model, in the version's `preprocessing` asset
 * (a JSON object; docs/publishing.md). Required for text models (the tokenizer), optional
 * for image models (defaults: RGB scaled to 0..1, no normalisation).
 */
/** Dynamic batching in the tier: `false` turns it off for the model; sizes are rows. */
const batching = z
  .union([
    z.literal(false),
    z.strictObject({
      maxBatchSize: z.number().int().min(2).max(256),
      maxQueueDelayMs: z.number().int().min(0).max(100).default(0),
    }),
  ])
  .optional();

export const textPreprocessing = z.strictObject({
  tokenizer: z.enum(["sentencepiece", "wordpiece"]),
  maxLength: z.number().int().min(2).max(4096).default(256),
  /** WordPiece only: lowercase and strip accents (uncased BERT models). */
  lowercase: z.boolean().default(true),
  batching,
});

const channelValues = z.array(z.number().finite()).min(1).max(3);

export const imagePreprocessing = z.strictObject({
  /** Range the 0..255 pixel values are scaled to before mean/std. */
  pixelRange: z.tuple([z.literal(0), z.union([z.literal(1), z.literal(255)])]).default([0, 1]),
  mean: channelValues.optional(),
  std: channelValues.refine((v) => v.every((x) => x > 0), "std values must be positive").optional(),
  channelOrder: z.enum(["RGB", "BGR"]).default("RGB"),
  /** Detection only: how the model's boxes are expressed. */
  boxes: z.enum(["xyxy-input-pixels", "xyxy-normalized"]).default("xyxy-input-pixels"),
  batching,
});

export type TextPreprocessing = z.infer<typeof textPreprocessing>;
export type ImagePreprocessing = z.infer<typeof imagePreprocessing>;

export function isTextTask(task: ModelTask): boolean {
  return task === "TEXT_CLASSIFICATION" || task === "TEXT_EMBEDDING";
}

export function isImageTask(task: ModelTask): boolean {
  return task === "IMAGE_CLASSIFICATION" || task === "OBJECT_DETECTION";
}

/** Parses a declaration; the message lists what is wrong, field by field. */
export function parsePreprocessing<T extends z.ZodType>(
  schema: T,
  value: unknown,
): { ok: true; value: z.infer<T> } | { ok: false; why: string } {
  const result = schema.safeParse(value ?? {});
  if (result.success) return { ok: true, value: result.data };
  const why = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
  return { ok: false, why };
}
