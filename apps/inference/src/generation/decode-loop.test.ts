// The decode loop's scheduling, stopping and sampling against a fake decoder whose next token
// is a fixed function of the last one: what is checked is the order of steps and tokens.
import { describe, expect, it } from "vitest";
import { DecodeLoop, type FinishReason, type GenerationRequest } from "./decode-loop";
import type { Decoder, StepRow } from "./decoder";
import { GREEDY, nextToken, seededRandom } from "./sampling";

const VOCAB = 50;
const successor = (t: number) => (t * 7 + 3) % VOCAB;

class FakeDecoder implements Decoder {
  readonly vocabSize = VOCAB;
  readonly maxPositions = 200;
  /** Each step's rows: how many tokens each added. */
  readonly steps: number[][] = [];
  async step(rows: StepRow[]) {
    this.steps.push(rows.map((r) => r.tokens.length));
    return rows.map((row) => {
      const last = row.tokens.at(-1) as number;
      const logits = new Float32Array(VOCAB).map((_, i) => (i === successor(last) ? 5 : i / VOCAB));
      return { logits, cache: { length: (row.cache?.length ?? 0) + row.tokens.length, tensors: [] } };
    });
  }
}

function request(id: number, prompt: number[], extra: Partial<GenerationRequest> = {}) {
  const tokens: number[] = [];
  let done: { reason: FinishReason; usage: { promptTokens: number; completionTokens: number } } | null = null;
  let resolve: () => void = () => {};
  const finished = new Promise<void>((r) => {
    resolve = r;
  });
  const req: GenerationRequest = {
    id,
    prompt,
    maxTokens: 5,
    stopTokens: [],
    sampling: GREEDY,
    onToken: (t) => tokens.push(t),
    onDone: (reason, usage) => {
      done = { reason, usage };
      resolve();
    },
    onError: (e) => {
      throw e;
    },
    ...extra,
  };
  return { req, tokens, finished, done: () => done };
}

describe("DecodeLoop", () => {
  it("happy: greedy decoding emits the model's best token each step and ends at maxTokens (finish 'length')", async () => {
    const loop = new DecodeLoop(new FakeDecoder(), { maxBatch: 8 });
    const r = request(1, [1, 2]);
    loop.add(r.req);
    await r.finished;
    const want = [successor(2)];
    while (want.length < 5) want.push(successor(want.at(-1) as number));
    expect(r.tokens).toEqual(want);
    expect(r.done()).toEqual({ reason: "length", usage: { promptTokens: 2, completionTokens: 5 } });
  });

  it("happy: a stop token ends the generation without being emitted (finish 'stop')", async () => {
    const loop = new DecodeLoop(new FakeDecoder(), { maxBatch: 8 });
    const third = successor(successor(successor(4)));
    const r = request(1, [4], { stopTokens: [third], maxTokens: 50 });
    loop.add(r.req);
    await r.finished;
    expect(r.tokens).toEqual([successor(4), successor(successor(4))]);
    expect(r.done()?.reason).toBe("stop");
  });

  it("happy: a request that arrives while another decodes is prefilled at the next step and then decoded with it in one batch", async () => {
    const decoder = new FakeDecoder();
    const loop = new DecodeLoop(decoder, { maxBatch: 8 });
    const long = request(1, [1, 2, 3], { maxTokens: 40 });
    const short = request(2, [9, 9], { maxTokens: 3 });
    loop.add(long.req);
    // Joins after the long one has started (its tokens are coming).
    await new Promise<void>((resolve) => {
      long.req.onToken = (t) => {
        long.tokens.push(t);
        if (long.tokens.length === 2) {
          loop.add(short.req);
          resolve();
        }
      };
    });
    await short.finished;
    // The short one finished long before the long one: it did not wait for its end.
    expect(short.tokens).toHaveLength(3);
    expect(long.done()).toBeNull();
    await long.finished;
    expect(long.tokens).toHaveLength(40);
    // Its prompt was a step of its own (2 tokens), then it decoded in steps of two rows.
    expect(decoder.steps).toContainEqual([2]);
    expect(decoder.steps.filter((s) => s.length === 2 && s.every((n) => n === 1)).length).toBeGreaterThanOrEqual(2);
  });

  it("error: a cancelled generation stops before its next step and reports what it produced", async () => {
    const decoder = new FakeDecoder();
    const loop = new DecodeLoop(decoder, { maxBatch: 8 });
    const r = request(7, [1], { maxTokens: 100 });
    r.req.onToken = (t) => {
      r.tokens.push(t);
      if (r.tokens.length === 3) loop.cancel(7);
    };
    loop.add(r.req);
    await r.finished;
    expect(r.done()).toEqual({ reason: "cancelled", usage: { promptTokens: 1, completionTokens: 3 } });
    // Prefill + 2 decode steps: no step ran after the cancel.
    expect(decoder.steps).toHaveLength(3);
  });

  it("error: a cancel that arrives while the sequence's own step runs (its prefill) ends it after that step", async () => {
    const decoder = new FakeDecoder();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow: Decoder = {
      vocabSize: VOCAB,
      maxPositions: 200,
      step: async (rows) => {
        await gate;
        return decoder.step(rows);
      },
    };
    const loop = new DecodeLoop(slow, { maxBatch: 8 });
    const r = request(3, [1, 2, 3], { maxTokens: 100 });
    loop.add(r.req);
    loop.cancel(3);
    release();
    await r.finished;
    expect(r.tokens).toEqual([]);
    expect(r.done()).toEqual({ reason: "cancelled", usage: { promptTokens: 3, completionTokens: 0 } });
    expect(loop.active).toBe(0);
  });

  it("error: a prompt that cannot fit the model's positions with maxTokens is refused before any step", () => {
    const loop = new DecodeLoop(new FakeDecoder(), { maxBatch: 8 });
    let error: Error | null = null;
    loop.add({ ...request(1, new Array(190).fill(1), { maxTokens: 20 }).req, onError: (e) => (error = e) });
    expect(error).toMatchObject({ message: expect.stringContaining("200 positions") });
  });

  it("happy: more sequences than a batch holds take turns, each still advancing", async () => {
    const decoder = new FakeDecoder();
    const loop = new DecodeLoop(decoder, { maxBatch: 2 });
    const all = [1, 2, 3].map((id) => request(id, [id], { maxTokens: 4 }));
    for (const r of all) loop.add(r.req);
    await Promise.all(all.map((r) => r.finished));
    for (const r of all) expect(r.tokens).toHaveLength(4);
    expect(Math.max(...decoder.steps.map((s) => s.length))).toBe(2);
  });

  it("happy: each step runs under the permit it was given, released after the step", async () => {
    const events: string[] = [];
    const loop = new DecodeLoop(new FakeDecoder(), {
      maxBatch: 8,
      permit: async () => {
        events.push("acquire");
        return () => events.push("release");
      },
    });
    const r = request(1, [1], { maxTokens: 2 });
    loop.add(r.req);
    await r.finished;
    expect(events).toEqual(["acquire", "release", "acquire", "release"]);
  });
});

describe("sampling", () => {
  const logits = () => Float32Array.from({ length: 10 }, (_, i) => Math.sin(i * 1.3) * 3);

  it("happy: a seeded draw is the same every time; another seed may differ", () => {
    const draws = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 20 }, () => nextToken(logits(), { ...GREEDY, temperature: 1, seed }, [], random));
    };
    expect(draws(42)).toEqual(draws(42));
    expect(draws(42)).not.toEqual(draws(43));
  });

  it("happy: top-k 1 and a tiny top-p are greedy; temperature 0 is greedy", () => {
    const best = logits().indexOf(Math.max(...logits()));
    const random = seededRandom(1);
    expect(nextToken(logits(), { ...GREEDY, temperature: 2, topK: 1, seed: 1 }, [], random)).toBe(best);
    expect(nextToken(logits(), { ...GREEDY, temperature: 2, topP: 0.0001, seed: 1 }, [], random)).toBe(best);
    expect(nextToken(logits(), GREEDY, [], random)).toBe(best);
  });

  it("happy: the repetition penalty moves greedy decoding off a token already seen", () => {
    const l = Float32Array.from([0, 3, 2.5, 0]);
    expect(nextToken(Float32Array.from(l), GREEDY, [1], seededRandom(1))).toBe(1);
    expect(nextToken(Float32Array.from(l), { ...GREEDY, repetitionPenalty: 1.5 }, [1], seededRandom(1))).toBe(2);
  });
});
