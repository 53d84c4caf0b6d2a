import { z } from "zod";
import { currentRequestId } from "../../infra/request-context";
import type { AppServices } from "../../services";
import { generateText } from "../../tasks/text-generation/generate-text";
import { clientGone, created, eventStream, openAiFinish, openAiRoute } from "./openai-protocol";
import { generationArgs, parseBody, samplingFields } from "./sampling-body";

const body = z.object({ ...samplingFields, prompt: z.union([z.string(), z.array(z.string()).length(1)]) });

/**
 * POST /v1/completions (OpenAI's legacy completions): `model` is the marketplace slug, the
 * prompt one string; `stream: true` answers server-sent events, the last chunk with `usage`.
 */
export function completionsRoute(services: AppServices) {
  return openAiRoute(services, async (principal, req, res) => {
    const input = parseBody(body, req.body);
    const prompt = Array.isArray(input.prompt) ? (input.prompt[0] as string) : input.prompt;
    const id = `cmpl-${currentRequestId()}`;
    const base = { id, object: "text_completion", created: created(), model: input.model };
    const args = { ...generationArgs(input), prompt };
    if (!input.stream) {
      const g = await generateText(services, principal, args);
      res.json({
        ...base,
        choices: [{ index: 0, text: g.text, logprobs: null, finish_reason: openAiFinish(g.finishReason) }],
        usage: usage(g),
      });
      return;
    }
    const signal = clientGone(res);
    let events: ReturnType<typeof eventStream> | null = null;
    const stream = () => {
      events ??= eventStream(res);
      return events;
    };
    const g = await generateText(services, principal, args, {
      signal,
      onText: (text) => stream().send({ ...base, choices: [{ index: 0, text, logprobs: null, finish_reason: null }] }),
    });
    if (signal.aborted) return;
    const last = {
      ...base,
      choices: [{ index: 0, text: "", logprobs: null, finish_reason: openAiFinish(g.finishReason) }],
      usage: usage(g),
    };
    stream().send(last);
    if (input.stream_options?.include_usage) stream().send({ ...base, choices: [], usage: usage(g) });
    stream().done();
  });
}

export function usage(g: { promptTokens: number; completionTokens: number }) {
  return {
    prompt_tokens: g.promptTokens,
    completion_tokens: g.completionTokens,
    total_tokens: g.promptTokens + g.completionTokens,
  };
}
