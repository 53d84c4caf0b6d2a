import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { Access } from "../../graphql/access";
import { Admitted } from "../../graphql/admitted";
import { Embedding, ImageInput } from "../support/answers.type";
import { embedImage } from "./embed-image";

@Resolver()
export class EmbedImageResolver {
  @Access("inference")
  @Admitted()
  @Mutation(() => [Embedding], {
    description: "One embedding vector per image (PNG or JPEG, base64) from an IMAGE_EMBEDDING model.",
  })
  async embedImage(
    @Arg("model") model: string,
    @Arg("images", () => [ImageInput]) images: ImageInput[],
    @Arg("version", () => String, { nullable: true }) version: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    const rows = await embedImage(ctx.services, ctx.principal, { model, images, version });
    return rows.map(Embedding.of);
  }
}
