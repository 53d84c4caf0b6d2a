import type { ModelTask } from "@modelmarket/db";
import type { OnnxInspection } from "@modelmarket/onnx";
import { faceDetectionTask } from "./face-detection/face-detection.task";
import { faceEmbeddingTask } from "./face-embedding/face-embedding.task";
import { imageClassificationTask } from "./image-classification/image-classification.task";
import { imageEmbeddingTask } from "./image-embedding/image-embedding.task";
import { imageSegmentationTask } from "./image-segmentation/image-segmentation.task";
import { objectDetectionTask } from "./object-detection/object-detection.task";
import { recommendationTask } from "./recommendation/recommendation.task";
import { ConventionCheck, type ResolvedAssets } from "./support/convention-check";
import type { TaskModule } from "./task-module";
import { textClassificationTask } from "./text-classification/text-classification.task";
import { textEmbeddingTask } from "./text-embedding/text-embedding.task";
import { textGenerationTask } from "./text-generation/text-generation.task";

/**
 * Every task the API serves, one module each. The order and the set must equal
 * `TASK_DESCRIPTORS` of `@modelmarket/tasks` and the ModelTask enum (registry.test.ts).
 */
export const TASKS: readonly TaskModule[] = [
  textClassificationTask,
  textEmbeddingTask,
  imageClassificationTask,
  objectDetectionTask,
  recommendationTask,
  imageEmbeddingTask,
  textGenerationTask,
  imageSegmentationTask,
  faceEmbeddingTask,
  faceDetectionTask,
];

export function taskModule(task: ModelTask): TaskModule {
  const found = TASKS.find((t) => t.descriptor.task === task);
  if (!found) throw new Error(`no module for task ${task}`);
  return found;
}

/** The resolver classes of every task's operation, for the schema. */
export const TASK_RESOLVERS = TASKS.map((t) => t.resolver);

/**
 * What a model of a task must take and return, and the assets it must come with, checked
 * against the graph before it is published (docs/publishing.md).
 */
export function assertFitsTask(
  task: ModelTask,
  signature: OnnxInspection,
  assets: ResolvedAssets,
  assetPath: (sha256: string) => string,
  modelSha256: string,
): Promise<void> {
  return taskModule(task).check(new ConventionCheck(task, signature, assets, assetPath, modelSha256));
}
