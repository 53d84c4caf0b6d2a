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
  /**
   * `huggingface`: a `tokenizer` asset (tokenizer.json, optional `tokenizer_config`), the
   * default when the version has one; `sentencepiece` / `wordpiece`: a `vocab` asset.
   */
  tokenizer: z.enum(["sentencepiece", "wordpiece", "huggingface"]).optional(),
  maxLength: z.number().int().min(2).max(4096).default(256),
  /** WordPiece only: lowercase and strip accents (uncased BERT models). */
  lowercase: z.boolean().default(true),
  batching,
});

const channelValues = z.array(z.number().finite()).min(1).max(3);

const side = z.number().int().min(1).max(8192);

export const imagePreprocessing = z.strictObject({
  /** The size the model takes, where its graph leaves height or width symbolic. */
  inputSize: z.strictObject({ height: side, width: side }).optional(),
  /**
   * How an image becomes the input size: `stretch` (ignore the aspect ratio), `letterbox`
   * (keep it, pad the rest), `shorter-side-crop` (resize the shorter side to `shorterSide`,
   * then crop the centre: torchvision's ImageNet recipe, resize 256 + crop 224),
   * `fixed-height` (OCR recognisers, PaddleOCR and CRNN: the input's height, the width that
   * keeps the aspect ratio, padded on the right up to the input's width with `fixedHeight.padValue`,
   * and lines wider than that squeezed to it).
   */
  resize: z.enum(["stretch", "letterbox", "shorter-side-crop", "fixed-height"]).default("stretch"),
  /** fixed-height: the value the padding has in the model's input (after scaling and normalisation). */
  fixedHeight: z.strictObject({ padValue: z.number().finite().default(0) }).default({ padValue: 0 }),
  /** letterbox: the padding's value (0..255, before scaling) and where the image sits. */
  letterbox: z
    .strictObject({
      pad: z.number().min(0).max(255).default(0),
      align: z.enum(["center", "top-left"]).default("center"),
    })
    .default({ pad: 0, align: "center" }),
  /** shorter-side-crop: the shorter side before the crop (default: crop ÷ 0.875, 224 → 256). */
  shorterSide: side.optional(),
  /**
   * Resampling. As exporters resize: `opencv-linear` (cv2.resize INTER_LINEAR: Ultralytics YOLO,
   * PaddleOCR, most OpenCV pipelines), `opencv-area` (INTER_AREA), `pil-bilinear` / `pil-bicubic`
   * (Pillow's Image.resize, antialiased: torchvision's Resize on PIL images). sharp's own kernels:
   * lanczos3 (the default, as before), bilinear, bicubic, nearest — they smooth when shrinking.
   */
  interpolation: z
    .enum(["lanczos3", "bilinear", "bicubic", "nearest", "opencv-linear", "opencv-area", "pil-bilinear", "pil-bicubic"])
    .default("lanczos3"),
  /** Range the 0..255 pixel values are scaled to before mean/std. */
  pixelRange: z.tuple([z.literal(0), z.union([z.literal(1), z.literal(255)])]).default([0, 1]),
  mean: channelValues.optional(),
  std: channelValues.refine((v) => v.every((x) => x > 0), "std values must be positive").optional(),
  channelOrder: z.enum(["RGB", "BGR"]).default("RGB"),
  /** Detection (objects, faces): how the model's boxes (and landmarks) are expressed. */
  boxes: z.enum(["xyxy-input-pixels", "xyxy-normalized"]).default("xyxy-input-pixels"),
  /**
   * Detection only: `rows` = suppression built in, [batch, n, 6] rows of (x1, y1, x2, y2,
   * score, class); `yolo` = a raw YOLO-family head [batch, 4 + classes, anchors] of (centre x,
   * centre y, width, height) in input pixels and class scores: the platform keeps the best
   * class per anchor, filters by score and suppresses overlaps per class at `iouThreshold`.
   */
  detectionFormat: z.enum(["rows", "yolo"]).default("rows"),
  iouThreshold: z.number().min(0).max(1).default(0.5),
  /**
   * Segmentation only: what the first output holds per pixel. `scores`: one score (logit or
   * probability) per class, the best class wins; `class-index`: the class id itself (int or
   * float); `foreground-probability` / `foreground-logit`: one channel, foreground where ≥ 0.5
   * (≥ 0 for a logit), labels [background, foreground]. Default: `class-index` for an integer
   * output, `scores` for several float channels, `foreground-probability` for one.
   */
  maskFormat: z.enum(["scores", "class-index", "foreground-probability", "foreground-logit"]).optional(),
  /**
   * Face detection only: the names of the landmarks each detection row carries after its box and
   * score, in order (x, y per landmark): BlazeFace's six, RetinaFace's five, none.
   */
  landmarks: z.array(z.string().trim().min(1).max(40)).max(106).default([]),
  /**
   * Face verification only: the cosine of two faces' vectors at or above which they are the same
   * person, as the publisher measured it (required for FACE_EMBEDDING: docs/publishing.md).
   */
  matchThreshold: z.number().min(-1).max(1).optional(),
  /** Segmentation only: the output's layout, [batch, classes, H, W] or [batch, H, W, classes]; default: the input's. */
  maskLayout: z.enum(["NCHW", "NHWC"]).optional(),
  batching,
});

export type TextPreprocessing = z.infer<typeof textPreprocessing>;
export type ImagePreprocessing = z.infer<typeof imagePreprocessing>;

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

/** The tokenizer a text version uses: declared, or Hugging Face's when it ships a tokenizer.json. */
export function tokenizerKind(
  settings: TextPreprocessing,
  assets: Record<string, unknown> | null | undefined,
): "sentencepiece" | "wordpiece" | "huggingface" | null {
  return settings.tokenizer ?? (assets?.tokenizer ? "huggingface" : null);
}

/** Labels from a Hugging Face `config.json`: its `id2label`, in id order. */
export function labelsFromHfConfig(config: unknown): string[] | null {
  const map = (config as { id2label?: Record<string, unknown> } | null)?.id2label;
  if (!map || typeof map !== "object") return null;
  const entries = Object.entries(map).map(([k, v]) => [Number(k), String(v)] as const);
  if (!entries.length || entries.some(([k]) => !Number.isInteger(k) || k < 0)) return null;
  entries.sort((a, b) => a[0] - b[0]);
  if (entries.some(([k], i) => k !== i)) return null;
  return entries.map(([, v]) => v);
}
