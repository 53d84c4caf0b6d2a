// The tasks, from the descriptors the API is built from (@modelmarket/tasks): names, assets to
// ask for, preprocessing to start from, playground kind, operation, snippet. The portal keeps
// no task knowledge of its own.
import { TASK_DESCRIPTORS, type TaskAsset, type TaskDescriptor } from "@modelmarket/tasks";

export type { TaskAsset };
export type TaskInfo = TaskDescriptor;

/** Every task, in the catalog's order. */
export async function fetchTasks(): Promise<TaskInfo[]> {
  return [...TASK_DESCRIPTORS];
}

/** Task → display name, for badges and filters. */
export async function taskLabels(): Promise<Record<string, string>> {
  return Object.fromEntries(TASK_DESCRIPTORS.map((t) => [t.task, t.displayName]));
}
