import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { Access } from "../../graphql/access";
import { Admitted } from "../../graphql/admitted";
import { Embedding } from "../support/answers.type";
import { embedText } from "./embed-text";

@Resolver()
export class EmbedTextResolver {
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
}
