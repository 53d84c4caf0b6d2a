import fs from "node:fs/promises";
import type { ModelTask } from "@modelmarket/db";
import { badInput } from "@modelmarket/domain";
import type { OnnxInspection, TensorSignature } from "@modelmarket/onnx";
import { createTokenizer, huggingFaceTokenizer } from "@modelmarket/tokenizers";
import { hasSymbolicSize, imageLayoutOf } from "../inference/image-layout";
import {
  imagePreprocessing,
  isImageTask,
  isTextTask,
  labelsFromHfConfig,
  parsePreprocessing,
  textPreprocessing,
  tokenizerKind,
} from "./preprocessing";

export type ResolvedAssets = Record<string, { artifactId: string; sha256: string }>;

/** The text convention's input names (docs/publishing.md). */
export const TEXT_INPUT_NAMES = ["input_ids", "attention_mask", "token_type_ids"] as const;

/**
 * What a model of a task must take and return, and the assets it must come with, checked
 * against the graph before it is published (docs/publishing.md). Every refusal says what
 * does not fit, so a publisher can fix the export rather than guess.
 */
export async function assertFitsTask(
  task: ModelTask,
  signature: OnnxInspection,
  assets: ResolvedAssets,
  assetPath: (sha256: string) => string,
): Promise<void> {
  const readText = async (role: string, what: string): Promise<string> => {
    const asset = assets[role];
    if (!asset) throw misfit(task, `it needs a "${role}" asset (${what})`);
    return fs.readFile(assetPath(asset.sha256), "utf8");
  };
  const readJson = async (role: string, what: string): Promise<unknown> => {
    try {
      return JSON.parse(await readText(role, what));
    } catch (error) {
      if ((error as { extensions?: unknown }).extensions) throw error;
      throw misfit(task, `the "${role}" asset must be ${what}`);
    }
  };
  const readList = async (role: string): Promise<unknown[]> => {
    const parsed = await readJson(role, "a JSON array");
    if (!Array.isArray(parsed)) throw misfit(task, `the "${role}" asset must be a JSON array`);
    return parsed;
  };
  const labelsFor = async (scores: TensorSignature, axis: number) => {
    // A Hugging Face config.json's id2label serves as the labels when no labels asset is given.
    const hfLabels =
      !assets.labels && assets.config
        ? labelsFromHfConfig(await readJson("config", "a JSON object (config.json)"))
        : null;
    if (!assets.labels && assets.config && !hfLabels) {
      throw misfit(task, 'the config asset has no usable "id2label" (ids 0…n-1): add a "labels" asset');
    }
    const labels = hfLabels ?? (await readList("labels"));
    const classes = scores.shape?.[axis];
    if (typeof classes === "number" && classes !== labels.length) {
      throw misfit(task, `output "${scores.name}" has ${classes} classes but the labels asset has ${labels.length}`);
    }
  };

  if (isImageTask(task)) {
    const [image, ...extra] = signature.inputs;
    if (!image || extra.length)
      throw misfit(task, `it must take exactly one input (an image), not ${signature.inputs.length}`);
    expectTensor(task, image, ["float"], 4, "the image input");
    const channels =
      image.shape?.[1] === 1 || image.shape?.[1] === 3 || image.shape?.[3] === 1 || image.shape?.[3] === 3;
    if (!channels) throw misfit(task, `input "${image.name}" must be NCHW or NHWC with 1 or 3 channels`);
    const declared = parsePreprocessing(
      imagePreprocessing,
      assets.preprocessing ? await readJson("preprocessing", "a JSON object") : {},
    );
    if (!declared.ok) throw misfit(task, `the preprocessing asset is invalid (${declared.why})`);
    const pre = declared.value;
    if (hasSymbolicSize(image.shape) && !pre.inputSize) {
      throw misfit(
        task,
        `input "${image.name}" leaves its height or width open (${JSON.stringify(image.shape)}): declare the size it ` +
          'expects in the preprocessing asset, e.g. {"inputSize": {"height": 32, "width": 128}, "resize": "letterbox"}',
      );
    }
    const size = imageLayoutOf(image.shape, pre.inputSize);
    if (pre.inputSize && !hasSymbolicSize(image.shape)) {
      if (pre.inputSize.height !== size.height || pre.inputSize.width !== size.width) {
        throw misfit(
          task,
          `preprocessing.inputSize ${pre.inputSize.height}×${pre.inputSize.width} contradicts input "${image.name}" (${size.height}×${size.width})`,
        );
      }
    }
    if (pre.resize === "shorter-side-crop" && pre.shorterSide && pre.shorterSide < Math.max(size.height, size.width)) {
      throw misfit(
        task,
        `preprocessing.shorterSide ${pre.shorterSide} is smaller than the crop ${size.height}×${size.width}`,
      );
    }
    const first = signature.outputs[0] as TensorSignature;
    if (task === "IMAGE_CLASSIFICATION") {
      expectTensor(task, first, ["float"], 2, "the first output (class scores)");
      await labelsFor(first, 1);
    } else if (pre.detectionFormat === "yolo") {
      expectTensor(task, first, ["float"], 3, "the first output (a YOLO head)");
      const labels = await readList("labels");
      const channels = first.shape?.[1];
      if (typeof channels === "number" && channels !== 4 + labels.length) {
        throw misfit(
          task,
          `output "${first.name}" has ${channels} channels; a YOLO head has 4 box values + one score per label (${4 + labels.length})`,
        );
      }
    } else {
      expectTensor(task, first, ["float"], 3, "the first output (detections)");
      const width = first.shape?.[2];
      if (typeof width === "number" && width !== 6) {
        throw misfit(
          task,
          `output "${first.name}" must have rows of 6 values (x1, y1, x2, y2, score, class), not ${width}` +
            (first.shape?.[1] === undefined ? "" : ' (a raw YOLO head? declare "detectionFormat": "yolo")'),
        );
      }
      await readList("labels");
    }
    return;
  }

  if (isTextTask(task)) {
    const byName = new Map(signature.inputs.map((i) => [i.name, i]));
    const unknown = signature.inputs
      .map((i) => i.name)
      .filter((n) => !(TEXT_INPUT_NAMES as readonly string[]).includes(n));
    if (!byName.has("input_ids") || !byName.has("attention_mask") || unknown.length) {
      throw misfit(
        task,
        `it must take inputs input_ids and attention_mask (and optionally token_type_ids)${unknown.length ? `, not ${unknown.join(", ")}` : ""}`,
      );
    }
    for (const input of signature.inputs) expectTensor(task, input, ["int64"], 2, `input "${input.name}"`);
    // A Hugging Face export needs no preprocessing asset: its tokenizer.json says it all.
    const declared = parsePreprocessing(
      textPreprocessing,
      assets.preprocessing || !assets.tokenizer ? await readJson("preprocessing", "a JSON object") : {},
    );
    if (!declared.ok) throw misfit(task, `the preprocessing asset is invalid (${declared.why})`);
    const kind = tokenizerKind(declared.value, assets);
    if (!kind) {
      throw misfit(
        task,
        'it needs a "tokenizer" asset (tokenizer.json) or preprocessing.tokenizer with a "vocab" asset',
      );
    }
    if (kind === "huggingface") {
      const file = await readText("tokenizer", "a Hugging Face tokenizer.json");
      const config = assets.tokenizer_config ? await readText("tokenizer_config", "tokenizer_config.json") : null;
      try {
        huggingFaceTokenizer(file, config);
      } catch (error) {
        throw misfit(task, `the tokenizer asset is not a usable tokenizer.json: ${(error as Error).message}`);
      }
    } else {
      const vocab = await readText("vocab", "the tokenizer vocabulary");
      try {
        createTokenizer(kind, vocab, declared.value);
      } catch (error) {
        throw misfit(task, `the vocab asset does not fit tokenizer "${kind}": ${(error as Error).message}`);
      }
    }
    const first = signature.outputs[0] as TensorSignature;
    if (task === "TEXT_CLASSIFICATION") {
      expectTensor(task, first, ["float"], 2, "the first output (class scores)");
      await labelsFor(first, 1);
    } else if (first.elemType !== "float" || (first.shape && first.shape.length !== 2 && first.shape.length !== 3)) {
      throw misfit(
        task,
        `the first output ("${first.name}") must be float [batch, dim] or [batch, sequence, dim] (mean-pooled)`,
      );
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
