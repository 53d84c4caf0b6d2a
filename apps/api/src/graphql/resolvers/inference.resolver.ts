import { Arg, Ctx, Int, Mutation, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { recommend } from "../../use-cases/inference/recommend";
import { Recommendation } from "../types/inference.type";

@Resolver()
export class InferenceResolver {
  @Mutation(() => [Recommendation], {
    description: "Top-k items for a user from a RECOMMENDATION model; `exclude` ids are never returned.",
  })
  recommend(
    @Arg("model") model: string,
    @Arg("userId") userId: string,
    @Arg("k", () => Int, { nullable: true, defaultValue: 10 }) k: number | null,
    @Arg("exclude", () => [String], { nullable: true }) exclude: string[] | null,
    @Arg("version", () => String, { nullable: true }) version: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return recommend(ctx.services, ctx.principal, { model, userId, k: k ?? 10, exclude, version });
  }
}
