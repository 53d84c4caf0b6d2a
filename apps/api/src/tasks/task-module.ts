import type { TaskDescriptor } from "@modelmarket/tasks";
import type { ConventionCheck } from "./support/convention-check";
import type { ExampleAnswer, ExampleRun, ModelExample } from "./support/examples";

/**
 * One task end to end, in its own folder `tasks/<task>/`: the descriptor every workspace
 * shares (`@modelmarket/tasks`: operation, input and answer kinds, metering unit, batching,
 * playground, assets), the check of a model against the task's convention, the resolver that
 * holds the task's operation and answer types, and how a publish-time example is answered.
 * The registry derives everything else from these: the schema's resolvers, the request
 * plugin's set of billed operations, publish checks, examples and previews.
 * CONTRIBUTING.md ("A task") lists the steps to add one.
 */
export interface TaskModule {
  descriptor: TaskDescriptor;
  check(c: ConventionCheck): Promise<void>;
  /** The type-graphql resolver class with the task's operation (`descriptor.operation`). */
  resolver: new () => object;
  /**
   * Answers one publish-time example through the serving path and judges it; absent when
   * the task takes no examples. Its input (`text` or `image`) follows `descriptor.input`.
   */
  answerExample?(run: ExampleRun, example: ModelExample): Promise<ExampleAnswer>;
}
