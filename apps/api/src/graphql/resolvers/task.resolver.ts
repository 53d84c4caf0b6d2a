import { TASK_DESCRIPTORS } from "@modelmarket/tasks";
import { Query, Resolver } from "type-graphql";
import { Access } from "../access";
import { TaskInfo } from "../types/task.type";

@Resolver(() => TaskInfo)
export class TaskResolver {
  @Access("public")
  @Query(() => [TaskInfo], { description: "The tasks models can be published for, and what each needs." })
  tasks(): TaskInfo[] {
    return TASK_DESCRIPTORS.map((t) =>
      Object.assign(new TaskInfo(), { ...t, moreOperations: [...(t.moreOperations ?? [])] }),
    ) as TaskInfo[];
  }
}
