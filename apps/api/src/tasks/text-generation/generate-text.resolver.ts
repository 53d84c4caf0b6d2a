import {
  Args,
  ArgsType,
  Ctx,
  Field,
  Float,
  Int,
  Mutation,
  ObjectType,
  Resolver,
  Root,
  Subscription,
} from "type-graphql";
import type { GraphQLContext } from "../../context";
import { Access } from "../../graphql/access";
import { Admitted } from "../../graphql/admitted";
import { type GenerateTextInput, generateText, generateTextEvents } from "./generate-text";

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

@ObjectType({ description: "One event of generateTextStream: new text, then the end with the tokens billed." })
export class GeneratedTextChunk {
  @Field({ description: 'Text added since the previous event ("" in the last one).' }) text: string;
  @Field({ description: "true in the last event only." }) done: boolean;
  @Field(() => String, { nullable: true, description: "In the last event: as GeneratedText.finishReason." })
  finishReason: string | null;
  @Field(() => Int, { nullable: true, description: "In the last event." }) promptTokens: number | null;
  @Field(() => Int, { nullable: true, description: "In the last event." }) completionTokens: number | null;
  @Field(() => String, {
    nullable: true,
    description: "In the last event: the call's request id, its receipt (receipt(requestId): what it cost).",
  })
  requestId: string | null;
}

/** The arguments of generateText and generateTextStream alike. */
@ArgsType()
class GenerateTextArgs {
  @Field() model: string;
  @Field() prompt: string;
  @Field(() => Int, { nullable: true }) maxTokens?: number | null;
  @Field(() => Float, { nullable: true, description: "0 (default) = greedy." }) temperature?: number | null;
  @Field(() => Float, { nullable: true }) topP?: number | null;
  @Field(() => Int, { nullable: true }) topK?: number | null;
  @Field(() => Float, { nullable: true, description: "Same seed, same sampled text." }) seed?: number | null;
  @Field(() => Float, { nullable: true }) repetitionPenalty?: number | null;
  @Field(() => [String], { nullable: true, description: "Up to 4 texts that end the answer." }) stop?: string[] | null;
  @Field(() => String, { nullable: true }) version?: string | null;
}

@Resolver()
export class GenerateTextResolver {
  @Access("inference")
  @Subscription(() => GeneratedTextChunk, {
    description:
      "generateText streamed as it is generated, over GraphQL over server-sent events (POST /graphql/stream, the " +
      "graphql-sse protocol): text events, then one done event with the tokens billed. Leaving stops the generation.",
    subscribe: ({ args, context }) =>
      generateTextEvents(
        (context as GraphQLContext).services,
        (context as GraphQLContext).principal,
        args as GenerateTextInput,
      ),
  })
  generateTextStream(
    @Root() event: GeneratedTextChunk & { failure?: unknown },
    @Args() _args: GenerateTextArgs,
  ): GeneratedTextChunk {
    // A failure after text was streamed ends the stream as an error result, not a broken stream.
    if (event.failure) throw event.failure;
    return event;
  }

  @Access("inference")
  @Admitted()
  @Mutation(() => GeneratedText, {
    description:
      "Text generated after a prompt by a TEXT_GENERATION model (the whole answer; /v1/completions and " +
      "/v1/chat/completions stream it). Billed per token: prompt and generated.",
  })
  generateText(@Args() args: GenerateTextArgs, @Ctx() ctx: GraphQLContext) {
    return generateText(ctx.services, ctx.principal, args);
  }
}
