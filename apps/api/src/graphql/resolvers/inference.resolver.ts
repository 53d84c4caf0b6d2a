import { Arg, Ctx, Int, Mutation, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { classifyImage } from "../../use-cases/inference/classify-image";
import { recommend } from "../../use-cases/inference/recommend";
import { ImageClassification, ImageInput, Recommendation } from "../types/inference.type";

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

  @Mutation(() => [ImageClassification], { description: "Top labels for each image (PNG or JPEG, base64)." })
  classifyImage(
    @Arg("model") model: string,
    @Arg("images", () => [ImageInput]) images: ImageInput[],
    @Arg("topK", () => Int, { nullable: true, defaultValue: 5 }) topK: number | null,
    @Arg("version", () => String, { nullable: true }) version: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return classifyImage(ctx.services, ctx.principal, { model, images, topK: topK ?? 5, version });
  }
}
