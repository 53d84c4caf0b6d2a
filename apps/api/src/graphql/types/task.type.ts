import { TASK_DESCRIPTORS } from "@modelmarket/tasks";
import { Field, ObjectType } from "type-graphql";
import { ModelTask } from "./enums";

@ObjectType({ description: "A file a task's model version comes with." })
export class TaskAssetInfo {
  @Field({ description: 'The role to pass in `assets` ("labels", "tokenizer", …).' }) role: string;
  @Field() label: string;
  @Field({ description: "File types to offer, e.g. .json,.txt" }) accept: string;
  @Field() required: boolean;
}

@ObjectType({ description: "What the platform knows about a task: how to publish and call such a model." })
export class TaskInfo {
  @Field(() => ModelTask) task: ModelTask;
  @Field() displayName: string;
  @Field({ description: "The mutation that calls such a model." }) operation: string;
  @Field(() => [String], {
    description: "Further mutations on the same models, billed like `operation` (RECOMMENDATION: similarItems).",
  })
  moreOperations: string[];
  @Field({
    description: `Which playground fits: ${[...new Set(TASK_DESCRIPTORS.map((t) => t.playground))].join(", ")}.`,
  })
  playground: string;
  @Field() summary: string;
  @Field(() => [TaskAssetInfo]) assets: TaskAssetInfo[];
  @Field({ description: 'A preprocessing declaration to start from ("" when the defaults usually fit).' })
  preprocessingExample: string;
}
