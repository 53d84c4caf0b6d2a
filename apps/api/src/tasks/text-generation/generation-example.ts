import type { ExampleAnswer, ExampleRun, ModelExample } from "../support/examples";
import { generationSettings, tierGenerateRequest } from "./generation-settings";

/** Tokens generated beyond the expected prefix's own, so a tokenizer that splits it otherwise still reaches it. */
const SLACK_TOKENS = 8;

/**
 * A publish-time example of a generation model: its `text` is the prompt, and greedy decoding
 * through the serving path (the same tokenizer, configs and tier decode loop; an
 * encoder-decoder's encoder too) must answer text that starts with `expect.startsWith`. Greedy
 * decoding is deterministic, so the exporter's own greedy run says what to expect.
 */
export async function answerGenerationExample(
  { services, principal, version }: ExampleRun,
  example: ModelExample,
): Promise<ExampleAnswer> {
  const expect = example.expect as { startsWith?: string };
  if (expect.startsWith === undefined) {
    throw new Error('a generation example expects { "startsWith": "…" } (the greedy answer\'s beginning)');
  }
  const settings = await generationSettings(services, version.assets);
  const promptIds = settings.tokenizer.encode(example.text ?? "");
  const decode = settings.tokenizer.streamDecoder();
  let text = "";
  const controller = new AbortController();
  const maxTokens = settings.tokenizer.encode(expect.startsWith).length + SLACK_TOKENS;
  const outcome = services.inference.generate(
    principal.tenantId,
    version.sha256,
    tierGenerateRequest(settings, promptIds, {
      max_tokens: maxTokens,
      temperature: 0,
      top_p: 1,
      top_k: 0,
      repetition_penalty: 1,
      seed: null,
    }),
    {
      deadlineMs: services.env.GENERATION_DEADLINE_MS,
      signal: controller.signal,
      onToken: (token) => {
        text += decode(token);
        // Enough to judge: stop generating.
        if (text.length >= (expect.startsWith as string).length) controller.abort();
      },
    },
  );
  try {
    await outcome;
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return {
    ok: text.startsWith(expect.startsWith),
    answered: JSON.stringify(text.slice(0, expect.startsWith.length + 20)),
    confidence: 1,
  };
}
