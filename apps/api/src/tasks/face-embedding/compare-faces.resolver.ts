import { Arg, Ctx, Field, Float, Mutation, ObjectType, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { Access } from "../../graphql/access";
import { Admitted } from "../../graphql/admitted";
import { ImageInput } from "../support/answers.type";
import { compareFaces } from "./compare-faces";

@ObjectType({ description: "Whether two face photos show the same person, by one FACE_EMBEDDING model." })
export class FaceComparison {
  @Field(() => Float, { description: "Cosine similarity of the two faces' vectors, -1 to 1." }) cosine: number;
  @Field(() => Float, { description: "The model's documented threshold (its publisher's matchThreshold)." })
  threshold: number;
  @Field({ description: "cosine ≥ threshold." }) sameFace: boolean;
}

@Resolver()
export class CompareFacesResolver {
  @Access("inference")
  @Admitted()
  @Mutation(() => FaceComparison, {
    description:
      "Compares two face photos (PNG or JPEG, base64; crops of one face each) with a FACE_EMBEDDING model. Two billed units. Neither photo nor vector is stored.",
  })
  compareFaces(
    @Arg("model") model: string,
    @Arg("a", () => ImageInput) a: ImageInput,
    @Arg("b", () => ImageInput) b: ImageInput,
    @Arg("version", () => String, { nullable: true }) version: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return compareFaces(ctx.services, ctx.principal, { model, a, b, version });
  }
}
