import type { ModelTask } from "@modelmarket/db";
import type { OnnxInspection } from "@modelmarket/onnx";
import { ConventionCheck, type ResolvedAssets } from "./convention-check";
import { imageClassification } from "./image-classification";
import { objectDetection } from "./object-detection";
import { recommendation } from "./recommendation";
import type { TaskModule } from "./task-module";
import { textClassification } from "./text-classification";
import { textEmbedding } from "./text-embedding";

/** Every task the platform serves, one module each (the `tasks` query lists them in this order). */
export const TASKS: readonly TaskModule[] = [
  textClassification,
  textEmbedding,
  imageClassification,
  objectDetection,
  recommendation,
];

export function taskModule(task: ModelTask): TaskModule {
  const found = TASKS.find((t) => t.task === task);
  if (!found) throw new Error(`no module for task ${task}`);
  return found;
}

/**
 * What a model of a task must take and return, and the assets it must come with, checked
 * against the graph before it is published (docs/publishing.md).
 */
export function assertFitsTask(
  task: ModelTask,
  signature: OnnxInspection,
  assets: ResolvedAssets,
  assetPath: (sha256: string) => string,
): Promise<void> {
  return taskModule(task).check(new ConventionCheck(task, signature, assets, assetPath));
}
