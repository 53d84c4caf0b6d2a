import type { TaskInfo } from "./tasks";

/**
 * What the preprocessing field starts with. Image tasks start empty (the platform's defaults:
 * RGB or grey, 0..1, stretched): a normalisation preset the publisher did not choose must never
 * be applied, and the example stays a placeholder. Text tasks must name a tokenizer, so their
 * field starts with the example for the publisher to correct.
 */
export function initialPreprocessing(task: TaskInfo | undefined): string {
  if (!task || task.playground.startsWith("image-")) return "";
  return task.preprocessingExample;
}
