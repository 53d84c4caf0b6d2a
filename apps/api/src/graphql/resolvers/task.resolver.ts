import { Query, Resolver } from "type-graphql";
import { TASKS } from "../../tasks/registry";
import { Access } from "../access";
import { TaskInfo } from "../types/task.type";

@Resolver(() => TaskInfo)
export class TaskResolver {
  @Access("public")
  @Query(() => [TaskInfo], { description: "The tasks models can be published for, and what each needs." })
  tasks(): TaskInfo[] {
    return TASKS.map(({ check: _check, ...info }) => info);
  }
}
