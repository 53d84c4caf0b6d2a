// The task registry, as the API serves it (`tasks`): the portal keeps no task knowledge of its
// own — names, assets to ask for, preprocessing to start from, playground kind, operation.
import { gql } from "./api";

export interface TaskAsset {
  role: string;
  label: string;
  accept: string;
  required: boolean;
}

export interface TaskInfo {
  task: string;
  displayName: string;
  operation: string;
  playground: string;
  summary: string;
  assets: TaskAsset[];
  preprocessingExample: string;
}

const TASKS = `{ tasks { task displayName operation playground summary preprocessingExample assets { role label accept required } } }`;

let cached: TaskInfo[] | null = null;

/** The registry (fetched once per portal process: it changes only with a deploy of the API). */
export async function fetchTasks(): Promise<TaskInfo[]> {
  if (cached) return cached;
  const result = await gql<{ tasks: TaskInfo[] }>(TASKS);
  if (!result.data)
    throw new Error(`Could not load the task registry: ${result.errors?.[0]?.message ?? result.status}`);
  cached = result.data.tasks;
  return cached;
}

/** Task → display name, for badges and filters. */
export async function taskLabels(): Promise<Record<string, string>> {
  return Object.fromEntries((await fetchTasks()).map((t) => [t.task, t.displayName]));
}
