import { z } from "zod";
import { currentRequestId } from "../../infra/request-context";
import type { AppServices } from "../../services";
import { generateText } from "../../tasks/text-generation/generate-text";
import { usage } from "./completions.route";
import { clientGone, created, eventStream, openAiFinish, openAiRoute } from "./openai-protocol";
import { generationArgs, parseBody, samplingFields } from "./sampling-body";

/** A message's content: a string, or OpenAI's parts of which the text ones are read. */
const content = z.union([
  z.string(),
  z.array(z.object({ type: z.string(), text: z.string().optional() })).transform((parts) =>
    parts
      .filter((p) => p.type === "text")
      .map((p) => p.text ?? "")
      .join(""),
  ),
]);

const body = z.object({
  ...samplingFields,
  messages: z
    .array(
      z.object({
        role: z.enum(["system", "developer", "user", "assistant"]).transform((r) => (r === "developer" ? "system" : r)),
        content,
      }),
    )
    .min(1)
    .max(256),
});

/**
 * POST /v1/chat/completions: the messages rendered with the model's chat template (its
 * tokenizer_config), generated like /v1/completions; `stream: true` answers chat.completion.chunk
 * events (the role first, then content deltas, then the finish reason with `usage`).
 */
export function chatCompletionsRoute(services: AppServices) {
  return openAiRoute(services, async (principal, req, res) => {
    const input = parseBody(body, req.body);
    const id = `chatcmpl-${currentRequestId()}`;
    const args = {
      ...generationArgs(input),
      prompt: { messages: input.messages as { role: "system" | "user" | "assistant"; content: string }[] },
    };
    if (!input.stream) {
      const g = await generateText(services, principal, args);
      res.json({
        id,
        object: "chat.completion",
        created: created(),
        model: input.model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: g.text, refusal: null },
            logprobs: null,
            finish_reason: openAiFinish(g.finishReason),
          },
        ],
        usage: usage(g),
      });
      return;
    }
    const base = { id, object: "chat.completion.chunk", created: created(), model: input.model };
    const signal = clientGone(res);
    let events: ReturnType<typeof eventStream> | null = null;
    const stream = () => {
      if (!events) {
        events = eventStream(res);
        events.send({
          ...base,
          choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }],
        });
      }
      return events;
    };
    const g = await generateText(services, principal, args, {
      signal,
      onText: (text) =>
        stream().send({
          ...base,
          choices: [{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }],
        }),
    });
    if (signal.aborted) return;
    stream().send({
      ...base,
      choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: openAiFinish(g.finishReason) }],
      usage: usage(g),
    });
    if (input.stream_options?.include_usage) stream().send({ ...base, choices: [], usage: usage(g) });
    stream().done();
  });
}
