import { Arg, Ctx, Field, Float, Mutation, ObjectType, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { Access } from "../../graphql/access";
import { Admitted } from "../../graphql/admitted";
import { LabelScore } from "../support/answers.type";
import { classifyText } from "./classify-text";

@ObjectType()
export class TextClassification {
  @Field() label: string;
  @Field(() => Float) score: number;
  @Field(() => [LabelScore]) scores: LabelScore[];
}

@Resolver()
export class ClassifyTextResolver {
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
}
