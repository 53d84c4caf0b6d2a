import { Arg, Ctx, Field, Float, Mutation, ObjectType, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { Access } from "../../graphql/access";
import { Admitted } from "../../graphql/admitted";
import { BoundingBox, ImageInput } from "../support/answers.type";
import { detectFaces } from "./detect-faces";

@ObjectType({ description: "A named point of a face (an eye, the nose…), in the image's pixels." })
export class FaceLandmark {
  @Field() name: string;
  @Field(() => Float) x: number;
  @Field(() => Float) y: number;
}

@ObjectType()
export class DetectedFace {
  @Field(() => Float) score: number;
  @Field(() => BoundingBox) box: BoundingBox;
  @Field(() => [FaceLandmark], { description: "As the model's publisher names them; empty when it gives none." })
  landmarks: FaceLandmark[];
}

@ObjectType()
export class FaceDetection {
  @Field(() => [DetectedFace], { description: "Best first." }) faces: DetectedFace[];
}

@Resolver()
export class DetectFacesResolver {
  @Access("inference")
  @Admitted()
  @Mutation(() => [FaceDetection], {
    description:
      "The faces in each image (PNG or JPEG, base64) from a FACE_DETECTION model: boxes and landmarks in the image's pixels. Nothing of the images is stored.",
  })
  detectFaces(
    @Arg("model") model: string,
    @Arg("images", () => [ImageInput]) images: ImageInput[],
    @Arg("minScore", () => Float, { nullable: true, defaultValue: 0.5 }) minScore: number | null,
    @Arg("version", () => String, { nullable: true }) version: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return detectFaces(ctx.services, ctx.principal, { model, images, minScore: minScore ?? 0.5, version });
  }
}
