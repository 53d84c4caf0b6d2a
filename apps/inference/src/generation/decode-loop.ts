import type { Decoder, KvCache } from "./decoder";
import { nextToken, type SamplingParams, seededRandom } from "./sampling";

export type FinishReason = "stop" | "length" | "cancelled";

export interface GenerationRequest {
  id: number;
  prompt: number[];
  maxTokens: number;
  /** Token ids that end the generation (EOS); not emitted. */
  stopTokens: number[];
  sampling: SamplingParams;
  /** Each generated token, as soon as it is chosen. */
  onToken(token: number): void;
  onDone(reason: FinishReason, usage: { promptTokens: number; completionTokens: number }): void;
  onError(error: Error): void;
}

interface Sequence {
  request: GenerationRequest;
  /** The decoder's sequence: the prompt and what follows (an encoder-decoder: its start token and what follows). */
  tokens: number[];
  /** Encoder-decoder models: the prompt, as the encoder's source. */
  source?: number[];
  generated: number;
  cache: KvCache | null;
  random: () => number;
  cancelled: boolean;
}

export interface DecodeLoopOptions {
  /** Most sequences decoded together in one step. */
  maxBatch: number;
  /**
   * Waits for the right to run one step (the tier's fair scheduler: a slot per step, so that a
   * tenant's generations take turns with other tenants' work); resolves to its release.
   */
  permit?: () => Promise<() => void>;
  /** The loop has nothing left to decode (a lease on compute can go back). */
  onIdle?: () => void;
}

/**
 * Continuous (iteration-level) batching of one model's generations: every step decodes the
 * next token of all running sequences together; a new request's prompt is prefilled at the
 * next step and then joins the batch; a finished or cancelled one leaves at once. So one long
 * generation never makes a short one wait for its end, and N concurrent streams cost about
 * one step each instead of N.
 */
export class DecodeLoop {
  private readonly waiting: Sequence[] = [];
  private readonly running: Sequence[] = [];
  /** Every sequence not finished, wherever it is (waiting, running, or in the step in flight). */
  private readonly live = new Map<number, Sequence>();
  private looping = false;

  constructor(
    private readonly decoder: Decoder,
    private readonly options: DecodeLoopOptions,
  ) {}

  get active(): number {
    return this.live.size;
  }

  add(request: GenerationRequest): void {
    const limit = this.decoder.maxPositions;
    if (limit !== null && request.prompt.length + request.maxTokens > limit) {
      request.onError(
        new Error(
          `the prompt (${request.prompt.length} tokens) and maxTokens (${request.maxTokens}) exceed the model's ${limit} positions`,
        ),
      );
      return;
    }
    const start = this.decoder.decoderStart;
    const sequence: Sequence = {
      request,
      tokens: start === undefined ? [...request.prompt] : [start],
      ...(start === undefined ? {} : { source: request.prompt }),
      generated: 0,
      cache: null,
      random: seededRandom(request.sampling.seed ?? Math.floor(Math.random() * 2 ** 32)),
      cancelled: false,
    };
    this.live.set(request.id, sequence);
    this.waiting.push(sequence);
    if (!this.looping) void this.loop();
  }

  /** Stops a generation before its next step (its tokens so far stay emitted). */
  cancel(id: number): void {
    const s = this.live.get(id);
    if (s) s.cancelled = true;
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (this.active) {
        this.sweep();
        // One prompt prefilled per iteration, then one step of everyone already running: a
        // newcomer waits at most one step, and the running ones at most one prefill.
        const next = this.waiting.shift();
        if (next) await this.runStep([next]);
        this.sweep();
        const batch = this.running.slice(0, this.options.maxBatch);
        // More running than one batch holds: the ones left take the next step first.
        if (this.running.length > batch.length) this.running.push(...this.running.splice(0, batch.length));
        if (batch.length) await this.runStep(batch);
      }
    } finally {
      this.looping = false;
      this.options.onIdle?.();
    }
  }

  /** Cancelled sequences leave before a step is spent on them. */
  private sweep(): void {
    for (const list of [this.waiting, this.running]) {
      for (let i = list.length - 1; i >= 0; i--) {
        const s = list[i] as Sequence;
        if (s.cancelled) {
          list.splice(i, 1);
          this.finish(s, "cancelled");
        }
      }
    }
  }

  private async runStep(batch: Sequence[]): Promise<void> {
    const release = (await this.options.permit?.()) ?? (() => {});
    let results: Awaited<ReturnType<Decoder["step"]>>;
    try {
      results = await this.decoder.step(
        batch.map((s) => ({
          tokens: s.cache ? s.tokens.slice(s.cache.length) : s.tokens,
          cache: s.cache,
          ...(s.source ? { source: s.source } : {}),
        })),
      );
    } catch (error) {
      for (const s of batch) {
        this.remove(s);
        this.live.delete(s.request.id);
        s.request.onError(error as Error);
      }
      return;
    } finally {
      release();
    }
    batch.forEach((s, i) => {
      const result = results[i] as (typeof results)[number];
      s.cache = result.cache;
      if (s.cancelled) {
        // Cancelled while its step ran: it leaves now, its step's token not taken.
        this.remove(s);
        this.finish(s, "cancelled");
        return;
      }
      const token = nextToken(result.logits, s.request.sampling, s.tokens, s.random);
      if (s.request.stopTokens.includes(token)) {
        this.remove(s);
        this.finish(s, "stop");
        return;
      }
      s.tokens.push(token);
      s.generated++;
      s.request.onToken(token);
      if (s.generated >= s.request.maxTokens) {
        this.remove(s);
        this.finish(s, "length");
      } else if (!this.running.includes(s)) this.running.push(s);
    });
  }

  private remove(s: Sequence): void {
    for (const list of [this.waiting, this.running]) {
      const at = list.indexOf(s);
      if (at >= 0) list.splice(at, 1);
    }
  }

  private finish(s: Sequence, reason: FinishReason): void {
    s.cache = null;
    this.live.delete(s.request.id);
    s.request.onDone(reason, { promptTokens: s.request.prompt.length, completionTokens: s.generated });
  }
}
