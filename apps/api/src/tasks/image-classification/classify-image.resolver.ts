import { Arg, Ctx, Field, Float, Int, Mutation, ObjectType, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { Access } from "../../graphql/access";
import { Admitted } from "../../graphql/admitted";
import { ImageInput, LabelScore } from "../support/answers.type";
import { classifyImage } from "./classify-image";

@ObjectType()
export class ImageClassification {
  @Field() label: string;
  @Field(() => Float) score: number;
  @Field(() => [LabelScore]) top: LabelScore[];
}

@Resolver()
export class ClassifyImageResolver {
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
}
