import fs from "node:fs/promises";
import type { ModelTask } from "@modelmarket/db";
import { badInput } from "@modelmarket/domain";
import type { OnnxInspection, TensorSignature } from "@modelmarket/onnx";

export type ResolvedAssets = Record<string, { artifactId: string; sha256: string }>;

/**
 * What a model of a task must take and return, checked against the graph before it is
 * published (docs/publishing.md). Image classification and recommendation are checked;
 * text and detection conventions arrive with the models that define them.
 */
export async function assertFitsTask(
  task: ModelTask,
  signature: OnnxInspection,
  assets: ResolvedAssets,
  assetPath: (sha256: string) => string,
): Promise<void> {
  const readList = async (role: string): Promise<unknown[]> => {
    const asset = assets[role];
    if (!asset) throw misfit(task, `it needs a "${role}" asset (a JSON array)`);
    try {
      const parsed = JSON.parse(await fs.readFile(assetPath(asset.sha256), "utf8"));
      if (Array.isArray(parsed)) return parsed;
    } catch {}
    throw misfit(task, `the "${role}" asset must be a JSON array`);
  };

  if (task === "IMAGE_CLASSIFICATION") {
    const [image, ...extra] = signature.inputs;
    if (!image || extra.length)
      throw misfit(task, `it must take exactly one input (an image), not ${signature.inputs.length}`);
    expectTensor(task, image, ["float"], 4, "the image input");
    const channels =
      image.shape?.[1] === 1 || image.shape?.[1] === 3 || image.shape?.[3] === 1 || image.shape?.[3] === 3;
    if (!channels) throw misfit(task, `input "${image.name}" must be NCHW or NHWC with 1 or 3 channels`);
    const scores = signature.outputs[0] as TensorSignature;
    expectTensor(task, scores, ["float"], 2, "the first output (class scores)");
    const labels = await readList("labels");
    const classes = scores.shape?.[1];
    if (typeof classes === "number" && classes !== labels.length) {
      throw misfit(task, `output "${scores.name}" has ${classes} classes but the labels asset has ${labels.length}`);
    }
    return;
  }

  if (task === "RECOMMENDATION") {
    const byName = new Map(signature.inputs.map((i) => [i.name, i]));
    const user = byName.get("user_index");
    const mask = byName.get("exclude_mask");
    const k = byName.get("k");
    if (!user || !mask || !k) throw misfit(task, "it must take inputs user_index, exclude_mask and k");
    expectTensor(task, user, ["int64"], 1, 'input "user_index"');
    expectTensor(task, mask, ["float"], 2, 'input "exclude_mask"');
    expectTensor(task, k, ["int64"], 1, 'input "k"');
    const outputs = new Map(signature.outputs.map((o) => [o.name, o]));
    const scores = outputs.get("top_scores");
    const items = outputs.get("top_items");
    if (!scores || !items) throw misfit(task, "it must return top_scores and top_items");
    expectTensor(task, scores, ["float"], 2, 'output "top_scores"');
    expectTensor(task, items, ["int64"], 2, 'output "top_items"');
    await readList("users");
    const itemIds = await readList("items");
    const itemCount = mask.shape?.[1];
    if (typeof itemCount === "number" && itemCount !== itemIds.length) {
      throw misfit(task, `exclude_mask covers ${itemCount} items but the items asset has ${itemIds.length}`);
    }
  }
}

function expectTensor(task: ModelTask, t: TensorSignature, types: string[], rank: number, what: string): void {
  if (!types.includes(t.elemType)) {
    throw misfit(task, `${what} ("${t.name}") must be ${types.join(" or ")}, not ${t.elemType}`);
  }
  if (t.shape && t.shape.length !== rank) {
    throw misfit(task, `${what} ("${t.name}") must have rank ${rank}, not ${t.shape.length}`);
  }
}

function misfit(task: ModelTask, why: string) {
  return badInput(`The model does not fit task ${task}: ${why}.`, "task");
}
