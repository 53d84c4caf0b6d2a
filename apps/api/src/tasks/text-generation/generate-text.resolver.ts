import { Arg, Ctx, Field, Float, Int, Mutation, ObjectType, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { Access } from "../../graphql/access";
import { Admitted } from "../../graphql/admitted";
import { generateText } from "./generate-text";

@ObjectType({ description: "A generation's text and what it cost in tokens." })
export class GeneratedText {
  @Field({ description: "The generated text (without the prompt, cut before a stop text)." }) text: string;
  @Field({
    description:
      "stop (the model's end token or a stop text), length (maxTokens), timeout (GENERATION_DEADLINE_MS), cancelled.",
  })
  finishReason: string;
  @Field(() => Int, { description: "Tokens of the prompt (billed)." }) promptTokens: number;
  @Field(() => Int, { description: "Tokens generated (billed)." }) completionTokens: number;
}

@Resolver()
export class GenerateTextResolver {
  @Access("inference")
  @Admitted()
  @Mutation(() => GeneratedText, {
    description:
      "Text generated after a prompt by a TEXT_GENERATION model (the whole answer; /v1/completions and " +
      "/v1/chat/completions stream it). Billed per token: prompt and generated.",
  })
  generateText(
    @Arg("model") model: string,
    @Arg("prompt") prompt: string,
    @Arg("maxTokens", () => Int, { nullable: true }) maxTokens: number | null,
    @Arg("temperature", () => Float, { nullable: true, description: "0 (default) = greedy." }) temperature:
      | number
      | null,
    @Arg("topP", () => Float, { nullable: true }) topP: number | null,
    @Arg("topK", () => Int, { nullable: true }) topK: number | null,
    @Arg("seed", () => Float, { nullable: true, description: "Same seed, same sampled text." }) seed: number | null,
    @Arg("repetitionPenalty", () => Float, { nullable: true }) repetitionPenalty: number | null,
    @Arg("stop", () => [String], { nullable: true, description: "Up to 4 texts that end the answer." })
    stop: string[] | null,
    @Arg("version", () => String, { nullable: true }) version: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return generateText(ctx.services, ctx.principal, {
      model,
      version,
      prompt,
      maxTokens,
      temperature,
      topP,
      topK,
      seed,
      repetitionPenalty,
      stop,
    });
  }
}
