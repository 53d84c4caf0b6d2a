import { badInput, payloadTooLarge } from "@modelmarket/domain";
import { textGeneration } from "@modelmarket/tasks";
import type { Principal } from "../../auth/principal";
import { requireScope } from "../../auth/require-scope";
import { requestScope } from "../../infra/request-context";
import { billedByUse } from "../../metering/billed-call";
import type { AppServices } from "../../services";
import { resolveCallableVersion } from "../support/resolve-callable-version";
import { type ChatMessage, chatPrompt } from "./chat-prompt";
import { generationSettings, tierGenerateRequest } from "./generation-settings";

export interface GenerateTextInput {
  model: string;
  version?: string | null;
  /** The prompt as it is, or a conversation rendered with the model's chat template. */
  prompt: string | { messages: ChatMessage[] };
  maxTokens?: number | null;
  temperature?: number | null;
  topP?: number | null;
  topK?: number | null;
  seed?: number | null;
  repetitionPenalty?: number | null;
  /** Texts that end the generation; the answer stops before them. */
  stop?: string[] | null;
}

export interface GeneratedText {
  text: string;
  finishReason: "stop" | "length" | "cancelled" | "timeout";
  promptTokens: number;
  completionTokens: number;
}

export interface TextStream {
  /** Text as it is generated (never past a stop sequence, never half a character). */
  onText?(delta: string): void;
  /** The caller went away: the generation stops at its next step and bills what it produced. */
  signal?: AbortSignal;
}

const MAX_STOPS = 4;
const MAX_STOP_CHARS = 100;

/**
 * Generated text after a prompt from a TEXT_GENERATION model: the prompt is tokenized with
 * the model's tokenizer, the tier's decode loop generates (greedy by default; temperature,
 * top-k, top-p, seed, repetition penalty), tokens come back as a stream and are detokenized as
 * they arrive. Ends at the model's EOS, `maxTokens`, a stop text, the deadline
 * (GENERATION_DEADLINE_MS) or the caller leaving. Billed per token (prompt + generated): the
 * worst case is reserved first (QUOTA_EXCEEDED before any token), what was used is charged.
 */
export async function generateText(
  services: AppServices,
  caller: Principal | null,
  input: GenerateTextInput,
  stream: TextStream = {},
): Promise<GeneratedText> {
  const given = typeof input.prompt === "string" ? input.prompt : input.prompt.messages.map((m) => m.content).join("");
  if (!given) throw badInput("`prompt` must not be empty.", "prompt");
  if (given.length > services.env.TEXT_MAX_CHARS) {
    throw payloadTooLarge(`The prompt is longer than ${services.env.TEXT_MAX_CHARS} characters.`);
  }
  const stops = input.stop ?? [];
  if (stops.length > MAX_STOPS || stops.some((s) => !s || s.length > MAX_STOP_CHARS)) {
    throw badInput(`\`stop\` holds at most ${MAX_STOPS} texts of 1 to ${MAX_STOP_CHARS} characters.`, "stop");
  }
  const sampling = samplingOf(input);
  const callable = await resolveCallableVersion(
    services,
    caller,
    input.model,
    "TEXT_GENERATION",
    textGeneration.operation,
    input.version,
  );
  const settings = await generationSettings(services, callable.version.assets);
  const prompt = typeof input.prompt === "string" ? input.prompt : chatPrompt(settings, input.prompt.messages);
  const promptIds = settings.tokenizer.encode(prompt);
  if (!promptIds.length) throw badInput("The prompt has no tokens.", "prompt");
  // An encoder-decoder's source and answer each have the model's positions (the answer after
  // its start token); a decoder-only model's prompt and answer share them.
  const room =
    settings.maxPositions === null
      ? Number.POSITIVE_INFINITY
      : settings.seq2seq
        ? promptIds.length <= settings.maxPositions
          ? settings.maxPositions - 1
          : 0
        : settings.maxPositions - promptIds.length;
  if (room < 1) {
    throw badInput(
      `The prompt is ${promptIds.length} tokens; this model takes ${settings.maxPositions} in all (prompt and answer).`,
      "prompt",
    );
  }
  const maxTokens = input.maxTokens ?? Math.min(settings.defaultMaxTokens, room);
  if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > Math.min(room, 4096)) {
    throw badInput(`\`maxTokens\` must be 1 to ${Math.min(room, 4096)} for this prompt and model.`, "maxTokens");
  }

  return billedByUse(
    services,
    callable,
    { input: promptIds.length, output: maxTokens },
    async () => {
      const controller = new AbortController();
      const onCallerGone = () => controller.abort();
      stream.signal?.addEventListener("abort", onCallerGone, { once: true });
      const decode = settings.tokenizer.streamDecoder();
      const holdBack = stops.length ? Math.max(...stops.map((s) => s.length)) - 1 : 0;
      let text = "";
      let emitted = 0;
      let completionTokens = 0;
      let stopped = false;
      const emit = (upTo: number) => {
        if (upTo > emitted) stream.onText?.(text.slice(emitted, upTo));
        emitted = Math.max(emitted, upTo);
      };
      const outcome = services.inference
        .generate(
          callable.principal.tenantId,
          callable.version.sha256,
          tierGenerateRequest(settings, promptIds, { ...sampling, max_tokens: maxTokens }),
          {
            weight: callable.weight,
            deadlineMs: services.env.GENERATION_DEADLINE_MS,
            signal: controller.signal,
            onToken: (token) => {
              if (stopped) return;
              completionTokens++;
              text += decode(token);
              const at = firstStop(text, stops, Math.max(0, emitted - holdBack));
              if (at >= 0) {
                stopped = true;
                text = text.slice(0, at);
                emit(at);
                controller.abort();
                return;
              }
              emit(text.length - holdBack);
            },
          },
        )
        .finally(() => stream.signal?.removeEventListener("abort", onCallerGone));
      let finishReason: GeneratedText["finishReason"];
      try {
        finishReason = (await outcome).finishReason;
      } catch (error) {
        // Closed by this side (a stop text, or the caller left): the tokens until then count.
        if (!controller.signal.aborted) throw error;
        finishReason = stopped ? "stop" : "cancelled";
      }
      emit(text.length);
      const result: GeneratedText = { text, finishReason, promptTokens: promptIds.length, completionTokens };
      return { result, used: { input: promptIds.length, output: completionTokens } };
    },
    { prompt, maxTokens, sampling, stops },
  );
}

function samplingOf(input: GenerateTextInput) {
  const temperature = input.temperature ?? 0;
  const topP = input.topP ?? 1;
  const topK = input.topK ?? 0;
  const repetitionPenalty = input.repetitionPenalty ?? 1;
  if (!(temperature >= 0 && temperature <= 2))
    throw badInput("`temperature` must be 0 to 2 (0 = greedy).", "temperature");
  if (!(topP > 0 && topP <= 1)) throw badInput("`topP` must be above 0 and at most 1.", "topP");
  if (!Number.isInteger(topK) || topK < 0) throw badInput("`topK` must be 0 (off) or more.", "topK");
  if (!(repetitionPenalty > 0 && repetitionPenalty <= 10)) {
    throw badInput("`repetitionPenalty` must be above 0 and at most 10 (1 = none).", "repetitionPenalty");
  }
  if (input.seed != null && (!Number.isInteger(input.seed) || input.seed < 0 || input.seed > 2 ** 32 - 1)) {
    throw badInput("`seed` must be an integer from 0 to 4294967295.", "seed");
  }
  return { temperature, top_p: topP, top_k: topK, repetition_penalty: repetitionPenalty, seed: input.seed ?? null };
}

/** Where the first stop text begins in `text` (searching from `from`), or -1. */
function firstStop(text: string, stops: string[], from: number): number {
  let best = -1;
  for (const stop of stops) {
    const at = text.indexOf(stop, from);
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best;
}

/** One event of a streamed generation: new text, then (done) the end with the usage. */
export interface GeneratedTextEvent {
  text: string;
  done: boolean;
  finishReason: GeneratedText["finishReason"] | null;
  promptTokens: number | null;
  completionTokens: number | null;
  /** The call's request id (its receipt), in the last event. */
  requestId: string | null;
  /** A failure after text was streamed: the event's resolver raises it as the stream's last result. */
  failure?: unknown;
}

/**
 * generateText as a stream of events (the GraphQL subscription generateTextStream over
 * server-sent events): text as it is generated, then one `done` event with the finish reason
 * and the tokens billed. A refusal before any text (NOT_FOUND, QUOTA_EXCEEDED…) is thrown here,
 * so it is the subscription's error rather than a broken stream. A subscriber that leaves stops
 * the generation at its next step and is billed the tokens produced until then. Admitted like
 * a call, for the stream's duration.
 */
export async function generateTextEvents(
  services: AppServices,
  caller: Principal | null,
  input: GenerateTextInput,
): Promise<AsyncGenerator<GeneratedTextEvent>> {
  const principal = requireScope(caller, "inference");
  const requestId = requestScope.getStore()?.requestId ?? null;
  const release = await services.admission.acquire(principal.tenantId);
  const queue: string[] = [];
  let wake: (() => void) | null = null;
  let finished = false;
  let result: GeneratedText | null = null;
  let failure: unknown = null;
  const controller = new AbortController();
  const running = generateText(services, principal, input, {
    signal: controller.signal,
    onText: (text) => {
      queue.push(text);
      wake?.();
    },
  })
    .then(
      (r) => {
        result = r;
      },
      (error: unknown) => {
        failure = error;
      },
    )
    .finally(() => {
      finished = true;
      wake?.();
    });
  const next = () =>
    new Promise<void>((resolve) => {
      if (queue.length || finished) resolve();
      else wake = resolve;
    }).then(() => {
      wake = null;
    });
  await next();
  if (failure && !queue.length) {
    release();
    throw failure;
  }
  return (async function* events(): AsyncGenerator<GeneratedTextEvent> {
    const empty = { done: false, finishReason: null, promptTokens: null, completionTokens: null, requestId: null };
    try {
      for (;;) {
        while (queue.length) yield { text: queue.shift() as string, ...empty };
        if (finished) break;
        await next();
      }
      if (failure) {
        yield { text: "", ...empty, failure };
        return;
      }
      const end = result as GeneratedText | null;
      yield {
        text: "",
        done: true,
        finishReason: end?.finishReason ?? null,
        promptTokens: end?.promptTokens ?? null,
        completionTokens: end?.completionTokens ?? null,
        requestId,
      };
    } finally {
      if (!finished) {
        // The subscriber left: stop at the next step; the tokens produced are billed.
        controller.abort();
        await running;
      }
      release();
    }
  })();
}
