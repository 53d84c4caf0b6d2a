import { badInput } from "@modelmarket/domain";
import { z } from "zod";

/** The sampling fields shared by /v1/completions and /v1/chat/completions (OpenAI's names). */
export const samplingFields = {
  model: z.string().min(1),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  top_k: z.number().int().min(0).nullish(),
  seed: z.number().int().min(0).nullish(),
  repetition_penalty: z.number().gt(0).max(10).nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  n: z.number().int().nullish(),
  user: z.string().nullish(),
};

/** Parses a request body, refusing it as OpenAI would, naming the field (BAD_USER_INPUT). */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "body";
    throw badInput(`Invalid request: ${field}: ${issue?.message ?? "invalid"}.`, field);
  }
  return parsed.data;
}

/** The generateText arguments of an OpenAI sampling body. */
export function generationArgs(body: z.infer<z.ZodObject<typeof samplingFields>>) {
  if (body.n != null && body.n !== 1) throw badInput("Only n = 1 is served.", "n");
  return {
    model: body.model,
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? null,
    temperature: body.temperature ?? null,
    topP: body.top_p ?? null,
    topK: body.top_k ?? null,
    seed: body.seed ?? null,
    repetitionPenalty: body.repetition_penalty ?? null,
    stop: body.stop == null ? null : Array.isArray(body.stop) ? body.stop : [body.stop],
  };
}
