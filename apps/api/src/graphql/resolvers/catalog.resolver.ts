import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { findModel } from "../../use-cases/catalog/find-model";
import { playgroundUserIds } from "../../use-cases/catalog/playground-user-ids";
import { publishModel } from "../../use-cases/catalog/publish-model";
import { encodeCursor, searchModels } from "../../use-cases/catalog/search-models";
import type { ModelView } from "../../use-cases/support/model-view";
import { Access } from "../access";
import { Admitted } from "../admitted";
import { PublishModelInput } from "../inputs/publish-model.input";
import { Model, ModelConnection } from "../types/catalog.type";
import { ModelTask } from "../types/enums";

@Resolver(() => Model)
export class CatalogResolver {
  @Access("public")
  @Query(() => ModelConnection, { description: "Public models, and the caller's own private ones." })
  async models(
    @Ctx() ctx: GraphQLContext,
    @Arg("query", () => String, { nullable: true }) query: string | null,
    @Arg("task", () => ModelTask, { nullable: true }) task: ModelTask | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<ModelConnection> {
    const page = await searchModels(ctx.services, ctx.principal, { query, task, first, after });
    const edges = page.models.map((node) => ({ cursor: encodeCursor(node.id), node }));
    return {
      edges,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: page.totalCount,
    };
  }

  @Access("public")
  @Query(() => Model, { nullable: true })
  model(@Arg("slug") slug: string, @Ctx() ctx: GraphQLContext) {
    return findModel(ctx.services, ctx.principal, slug);
  }

  @Access("models:write")
  @Admitted()
  @Mutation(() => Model)
  publishModel(@Arg("input", () => PublishModelInput) input: PublishModelInput, @Ctx() ctx: GraphQLContext) {
    return publishModel(ctx.services, ctx.principal, input);
  }

  @FieldResolver(() => [String], {
    description:
      "Recommenders: some user ids the model knows, for a playground's user picker; empty unless the caller subscribes to the model or publishes it.",
  })
  playgroundUserIds(@Root() model: ModelView, @Ctx() ctx: GraphQLContext) {
    return playgroundUserIds(ctx.services, ctx.principal, model);
  }
}
