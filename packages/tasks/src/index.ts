import { faceDetection } from "./face-detection";
import { faceEmbedding } from "./face-embedding";
import { imageClassification } from "./image-classification";
import { imageEmbedding } from "./image-embedding";
import { imageSegmentation } from "./image-segmentation";
import { objectDetection } from "./object-detection";
import { recommendation } from "./recommendation";
import type { TaskDescriptor } from "./task-descriptor";
import { textClassification } from "./text-classification";
import { textEmbedding } from "./text-embedding";
import { textGeneration } from "./text-generation";

export * from "./conventions";
export type * from "./task-descriptor";
export {
  faceDetection,
  faceEmbedding,
  imageClassification,
  imageEmbedding,
  imageSegmentation,
  objectDetection,
  recommendation,
  textClassification,
  textEmbedding,
  textGeneration,
};

/** Every task the platform serves, in the order the catalog and the `tasks` query list them. */
export const TASK_DESCRIPTORS = [
  textClassification,
  textEmbedding,
  imageClassification,
  objectDetection,
  recommendation,
  imageEmbedding,
  textGeneration,
  imageSegmentation,
  faceEmbedding,
  faceDetection,
] as const satisfies readonly TaskDescriptor[];

/** Every operation of a task: its main one first, then the others on the same models. */
export function operationsOf(task: TaskDescriptor): string[] {
  return [task.operation, ...(task.moreOperations ?? [])];
}

/** The root mutations that run a model and bill it (the API allows one per request). */
export const INFERENCE_OPERATIONS: ReadonlySet<string> = new Set(TASK_DESCRIPTORS.flatMap(operationsOf));

export function descriptorOf(task: string): TaskDescriptor {
  const found = TASK_DESCRIPTORS.find((t) => t.task === task);
  if (!found) throw new Error(`no task ${task}`);
  return found;
}

/** Whether a task's calls send images (the portal's image picker, the preview's model-input view). */
export function takesImages(task: string): boolean {
  return descriptorOf(task).input === "images";
}
