import { imageSegmentation } from "@modelmarket/tasks";
import { DEFAULT_TOLERANCE, type ExampleAnswer, type ModelExample } from "../support/examples";
import { runOneImage } from "../support/image-call";
import { checkImageInput } from "../support/image-convention";
import type { TaskModule } from "../task-module";
import { segmentationOf } from "./segment-image";
import { SegmentImageResolver } from "./segment-image.resolver";

/** A mask PNG holds one byte per pixel: class ids 0 to 255. */
const MAX_CLASSES = 256;

export const imageSegmentationTask: TaskModule = {
  descriptor: imageSegmentation,
  resolver: SegmentImageResolver,
  async check(c) {
    const pre = await checkImageInput(c);
    const first = c.firstOutput;
    const rank = first.shape?.length;
    if (rank !== 3 && rank !== 4) {
      throw c.misfit(
        `output "${first.name}" must be [batch, classes, H, W], [batch, H, W, classes] or a class-index mask [batch, H, W], not ${JSON.stringify(first.shape)}`,
      );
    }
    c.expectTensor(first, ["float", "float16", "int64", "int32", "uint8"], rank, `output "${first.name}"`);
    const labels = await c.readList("labels");
    if (labels.length > MAX_CLASSES)
      throw c.misfit(`it has ${labels.length} labels; a mask holds at most ${MAX_CLASSES}`);
    const integer = first.elemType !== "float" && first.elemType !== "float16";
    const layout =
      pre.maskLayout ??
      (c.signature.inputs[0]?.shape?.[1] === 1 || c.signature.inputs[0]?.shape?.[1] === 3 ? "NCHW" : "NHWC");
    const channels = rank === 3 ? 1 : layout === "NCHW" ? first.shape?.[1] : first.shape?.[3];
    const format = pre.maskFormat ?? (integer ? "class-index" : channels === 1 ? "foreground-probability" : "scores");
    if ((format === "scores" || format === "class-index") && integer !== (format === "class-index")) {
      throw c.misfit(`maskFormat "${format}" does not fit output "${first.name}" of type ${first.elemType}`);
    }
    if (format === "scores" && typeof channels === "number" && channels !== labels.length) {
      throw c.misfit(
        `output "${first.name}" has ${channels} class channels (${layout}) but the labels asset has ${labels.length}`,
      );
    }
    if (format.startsWith("foreground-")) {
      if (typeof channels === "number" && channels !== 1) {
        throw c.misfit(`maskFormat "${format}" needs one output channel; "${first.name}" has ${channels}`);
      }
      if (labels.length !== 2) throw c.misfit(`maskFormat "${format}" needs two labels (background, foreground)`);
    }
  },
  async answerExample(run, example) {
    const { outputs, prepared, image } = await runOneImage(run, example.image as string);
    const found = segmentationOf(outputs[0], image, prepared.target, prepared.preprocessing, prepared.labels);
    return judgeSegments(example, found.classes);
  },
};

/** Segments: each expected label present, with its pixel share within `tolerance` when given. */
export function judgeSegments(ex: ModelExample, found: { label: string; pixelShare: number }[]): ExampleAnswer {
  const expect = ex.expect as { segments: { label: string; share?: number }[]; tolerance?: number };
  const tol = expect.tolerance ?? DEFAULT_TOLERANCE;
  const ok = expect.segments.every((w) => {
    const got = found.find((f) => f.label === w.label);
    return got !== undefined && (w.share === undefined || Math.abs(got.pixelShare - w.share) <= tol);
  });
  const answered = found.map((f) => `${f.label} ${(f.pixelShare * 100).toFixed(1)}%`).join(", ") || "no class";
  return { ok, answered, confidence: found[0]?.pixelShare ?? 0 };
}
