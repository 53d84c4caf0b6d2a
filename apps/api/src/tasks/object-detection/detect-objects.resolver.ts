import { Arg, Ctx, Field, Float, Mutation, ObjectType, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { Access } from "../../graphql/access";
import { Admitted } from "../../graphql/admitted";
import { BoundingBox, ImageInput } from "../support/answers.type";
import { detectObjects } from "./detect-objects";

@ObjectType()
export class DetectedObject {
  @Field() label: string;
  @Field(() => Float) score: number;
  @Field(() => BoundingBox) box: BoundingBox;
}

@ObjectType()
export class Detections {
  @Field(() => [DetectedObject]) objects: DetectedObject[];
}

@Resolver()
export class DetectObjectsResolver {
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
