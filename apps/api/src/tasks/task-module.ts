import type { ModelTask } from "@modelmarket/db";
import type { ConventionCheck } from "./convention-check";

/** A file a task's version comes with, as the publish wizard asks for it. */
export interface TaskAsset {
  role: string;
  label: string;
  /** File types the picker offers. */
  accept: string;
  required: boolean;
}

/**
 * Everything the platform knows about one task, in one place: what the portal shows (name,
 * playground, assets to ask for, a preprocessing declaration to start from, the operation to
 * call) and the check of a model against the task's convention. Adding a task is adding a
 * module here and its tests; the API's `tasks` query serves the descriptive part.
 */
export interface TaskModule {
  task: ModelTask;
  displayName: string;
  /** The GraphQL operation that calls such a model. */
  operation: "classifyText" | "embedText" | "classifyImage" | "detectObjects" | "recommend";
  /** Which playground component the portal renders (components are named per kind). */
  playground: "text-labels" | "text-similarity" | "image-labels" | "image-boxes" | "user-items";
  /** One line on what such a model does, for the wizard. */
  summary: string;
  assets: TaskAsset[];
  /** A declaration to start from in the wizard ("" when the defaults usually fit). */
  preprocessingExample: string;
  check(c: ConventionCheck): Promise<void>;
}
