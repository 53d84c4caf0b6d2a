import { Arg, Ctx, Field, Float, Int, Mutation, ObjectType, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { Access } from "../../graphql/access";
import { Admitted } from "../../graphql/admitted";
import { recommend } from "./recommend";
import { similarItems } from "./similar-items";

@ObjectType()
export class Recommendation {
  @Field() itemId: string;
  @Field(() => Float) score: number;
}

@Resolver()
export class RecommendResolver {
  @Access("inference")
  @Admitted()
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

  @Access("inference")
  @Admitted()
  @Mutation(() => [Recommendation], {
    description:
      "The k items most like `itemId` by a RECOMMENDATION model's item factors (score: cosine, highest first); the item itself and `exclude` ids are never returned. Needs a model that names its item factors (docs/publishing.md).",
  })
  similarItems(
    @Arg("model") model: string,
    @Arg("itemId") itemId: string,
    @Arg("k", () => Int, { nullable: true, defaultValue: 10 }) k: number | null,
    @Arg("exclude", () => [String], { nullable: true }) exclude: string[] | null,
    @Arg("version", () => String, { nullable: true }) version: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return similarItems(ctx.services, ctx.principal, { model, itemId, k: k ?? 10, exclude, version });
  }
}
