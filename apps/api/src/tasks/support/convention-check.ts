import fs from "node:fs/promises";
import type { ModelTask } from "@modelmarket/db";
import { AppError, badInput } from "@modelmarket/domain";
import {
  type FloatTensor,
  inspectOnnx,
  type OnnxInspection,
  readFloatInitializer,
  type TensorSignature,
} from "@modelmarket/onnx";
import { labelsFromHfConfig } from "./preprocessing";

export type ResolvedAssets = Record<string, { artifactId: string; sha256: string }>;

/**
 * What a task module's check works with: the graph's signature, the version's assets (read
 * from the store), and refusals that say what does not fit, so a publisher can fix the export
 * rather than guess (`BAD_USER_INPUT`, field "task").
 */
export class ConventionCheck {
  constructor(
    readonly task: ModelTask,
    readonly signature: OnnxInspection,
    readonly assets: ResolvedAssets,
    private readonly assetPath: (sha256: string) => string,
    /** The model file's sha256, to read its weights where a convention names one. */
    private readonly modelSha256: string,
  ) {}

  misfit(why: string): AppError {
    return badInput(`The model does not fit task ${this.task}: ${why}.`, "task");
  }

  has(role: string): boolean {
    return Boolean(this.assets[role]);
  }

  async readText(role: string, what: string): Promise<string> {
    const asset = this.assets[role];
    if (!asset) throw this.misfit(`it needs a "${role}" asset (${what})`);
    return fs.readFile(this.assetPath(asset.sha256), "utf8");
  }

  async readJson(role: string, what: string): Promise<unknown> {
    const text = await this.readText(role, what);
    try {
      return JSON.parse(text);
    } catch {
      throw this.misfit(`the "${role}" asset must be ${what}`);
    }
  }

  /** The inputs and outputs of an ONNX graph given as an asset (an encoder-decoder's encoder). */
  async readOnnx(role: string, what: string): Promise<OnnxInspection> {
    const asset = this.assets[role];
    if (!asset) throw this.misfit(`it needs a "${role}" asset (${what})`);
    try {
      return inspectOnnx(await fs.readFile(this.assetPath(asset.sha256)));
    } catch (error) {
      throw this.misfit(`the "${role}" asset is not an ONNX model (${(error as Error).message})`);
    }
  }

  /** A float initializer of the model itself by name (null when it has none). */
  async readModelInitializer(name: string): Promise<FloatTensor | null> {
    try {
      return readFloatInitializer(await fs.readFile(this.assetPath(this.modelSha256)), name);
    } catch (error) {
      throw this.misfit((error as Error).message);
    }
  }

  async readList(role: string): Promise<unknown[]> {
    const parsed = await this.readJson(role, "a JSON array");
    if (!Array.isArray(parsed)) throw this.misfit(`the "${role}" asset must be a JSON array`);
    return parsed;
  }

  /** The labels (a `labels` asset, or a Hugging Face config's id2label), checked against `scores`. */
  async labelsFor(scores: TensorSignature, axis: number): Promise<unknown[]> {
    const hfLabels =
      !this.has("labels") && this.has("config")
        ? labelsFromHfConfig(await this.readJson("config", "a JSON object (config.json)"))
        : null;
    if (!this.has("labels") && this.has("config") && !hfLabels) {
      throw this.misfit('the config asset has no usable "id2label" (ids 0…n-1): add a "labels" asset');
    }
    const labels = hfLabels ?? (await this.readList("labels"));
    const classes = scores.shape?.[axis];
    if (typeof classes === "number" && classes !== labels.length) {
      throw this.misfit(`output "${scores.name}" has ${classes} classes but the labels asset has ${labels.length}`);
    }
    return labels;
  }

  expectTensor(t: TensorSignature, types: string[], rank: number, what: string): void {
    if (!types.includes(t.elemType)) {
      throw this.misfit(`${what} ("${t.name}") must be ${types.join(" or ")}, not ${t.elemType}`);
    }
    if (t.shape && t.shape.length !== rank) {
      throw this.misfit(`${what} ("${t.name}") must have rank ${rank}, not ${t.shape.length}`);
    }
  }

  get firstOutput(): TensorSignature {
    return this.signature.outputs[0] as TensorSignature;
  }
}
