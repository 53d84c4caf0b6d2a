import { Arg, Ctx, Float, Int, Mutation, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { classifyImage } from "../../use-cases/inference/classify-image";
import { classifyText } from "../../use-cases/inference/classify-text";
import { detectObjects } from "../../use-cases/inference/detect-objects";
import { embedText } from "../../use-cases/inference/embed-text";
import { recommend } from "../../use-cases/inference/recommend";
import { Access } from "../access";
import { Admitted } from "../admitted";
import {
  Detections,
  Embedding,
  ImageClassification,
  ImageInput,
  Recommendation,
  TextClassification,
} from "../types/inference.type";

@Resolver()
export class InferenceResolver {
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

  @Access("inference")
  @Admitted()
  @Mutation(() => [TextClassification], { description: "The label of each text, with every label's probability." })
  classifyText(
    @Arg("model") model: string,
    @Arg("inputs", () => [String]) inputs: string[],
    @Arg("version", () => String, { nullable: true }) version: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return classifyText(ctx.services, ctx.principal, { model, inputs, version });
  }

  @Access("inference")
  @Admitted()
  @Mutation(() => [Embedding], { description: "One embedding vector per text." })
  async embedText(
    @Arg("model") model: string,
    @Arg("inputs", () => [String]) inputs: string[],
    @Arg("version", () => String, { nullable: true }) version: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    const rows = await embedText(ctx.services, ctx.principal, { model, inputs, version });
    return rows.map(Embedding.of);
  }

  @Access("inference")
  @Admitted()
  @Mutation(() => [Detections], {
    description: "Objects in each image (PNG or JPEG, base64) with boxes in the image's pixels.",
  })
  detectObjects(
    @Arg("model") model: string,
    @Arg("images", () => [ImageInput]) images: ImageInput[],
    @Arg("minScore", () => Float, { nullable: true, defaultValue: 0.3 }) minScore: number | null,
    @Arg("version", () => String, { nullable: true }) version: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return detectObjects(ctx.services, ctx.principal, { model, images, minScore: minScore ?? 0.3, version });
  }
}
