// The decode loop on a real ONNX export (a tiny GPT-2 with the exact input and output names of a
// Hugging Face Optimum `text-generation-with-past` export; scripts/generation/tiny_gpt2.py)
// against the plainest reference: the whole sequence recomputed at every step, no cache.
import path from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DecodeLoop, type FinishReason } from "../src/generation/decode-loop";
import { OptimumDecoder, optimumLayout } from "../src/generation/optimum-decoder";
import { argmax, GREEDY, type SamplingParams } from "../src/generation/sampling";

const MODEL = path.resolve(__dirname, "../../../packages/onnx/fixtures/tiny-gpt2/model.onnx");
const VOCAB = 96;
let session: ort.InferenceSession;
let decoder: OptimumDecoder;

/** An Optimum decoder over a session, its layout read from the session's inputs and outputs. */
function decoderOf(s: ort.InferenceSession): OptimumDecoder {
  const meta = (names: readonly string[], m: readonly ort.InferenceSession.ValueMetadata[]) =>
    names.map((name, i) => ({ name, shape: (m[i] as { shape?: (number | string)[] }).shape }));
  const layout = optimumLayout(meta(s.inputNames, s.inputMetadata), meta(s.outputNames, s.outputMetadata));
  return new OptimumDecoder(s, ort, layout, VOCAB, 256);
}

beforeAll(async () => {
  session = await ort.InferenceSession.create(MODEL);
  decoder = decoderOf(session);
});
afterAll(() => session?.release());

/** Greedy decoding by recomputing the whole sequence every step (no past: empty caches). */
async function fullRecompute(prompt: number[], steps: number): Promise<number[]> {
  const seq = [...prompt];
  for (let s = 0; s < steps; s++) {
    const t = seq.length;
    const i64 = (values: number[]) =>
      new ort.Tensor("int64", BigInt64Array.from(values.map(BigInt)), [1, values.length]);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: i64(seq),
      attention_mask: i64(seq.map(() => 1)),
      position_ids: i64(seq.map((_, k) => k)),
    };
    for (const name of session.inputNames.filter((n) => n.startsWith("past_key_values."))) {
      feeds[name] = new ort.Tensor("float32", new Float32Array(0), [1, 2, 0, 16]);
    }
    const logits = (await session.run(feeds)).logits as ort.Tensor;
    seq.push(argmax((logits.data as Float32Array).subarray((t - 1) * VOCAB, t * VOCAB)));
  }
  return seq.slice(prompt.length);
}

function generate(
  loop: DecodeLoop,
  id: number,
  prompt: number[],
  maxTokens: number,
  sampling: SamplingParams = GREEDY,
) {
  const tokens: number[] = [];
  return new Promise<{ tokens: number[]; reason: FinishReason }>((resolve, reject) => {
    loop.add({
      id,
      prompt,
      maxTokens,
      stopTokens: [],
      sampling,
      onToken: (t) => tokens.push(t),
      onDone: (reason) => resolve({ tokens, reason }),
      onError: reject,
    });
  });
}

const encode = (text: string) => [...text].map((c) => c.charCodeAt(0) - 32);

describe("generation on an Optimum-named GPT-2 export", () => {
  it("happy: the layout is read from the graph (2 layers of key/value, 2 heads of 16, position_ids)", () => {
    expect(decoder.layout).toMatchObject({
      pastInputs: [
        "past_key_values.0.key",
        "past_key_values.0.value",
        "past_key_values.1.key",
        "past_key_values.1.value",
      ],
      heads: 2,
      headDim: 16,
      hasPositionIds: true,
      hasUseCacheBranch: false,
    });
  });

  it("happy: the KV-cache decode loop gives exactly the tokens of a full recompute (greedy, 30 tokens)", async () => {
    const prompt = encode("Once upon a time");
    const reference = await fullRecompute(prompt, 30);
    const { tokens, reason } = await generate(new DecodeLoop(decoder, { maxBatch: 8 }), 1, prompt, 30);
    expect(reason).toBe("length");
    expect(tokens).toEqual(reference);
    // Not a constant: the check would catch a cache that is ignored.
    expect(new Set(tokens).size).toBeGreaterThan(5);
  });

  it("happy: sequences of different lengths decoded together in one batch get exactly their tokens alone", async () => {
    const prompts = ["The", "A longer prompt here", "Mid size"].map(encode);
    const alone = await Promise.all(prompts.map((p) => fullRecompute(p, 12)));
    const loop = new DecodeLoop(decoder, { maxBatch: 8 });
    const together = await Promise.all(prompts.map((p, i) => generate(loop, i, p, 12)));
    expect(together.map((g) => g.tokens)).toEqual(alone);
  });

  it("happy: a seeded sampled generation is reproducible, and temperature sampling differs from greedy", async () => {
    const sampling = { temperature: 1.2, topK: 40, topP: 0.95, repetitionPenalty: 1.1, seed: 1234 };
    const prompt = encode("Hello");
    const a = await generate(new DecodeLoop(decoder, { maxBatch: 8 }), 1, prompt, 25, sampling);
    const b = await generate(new DecodeLoop(decoder, { maxBatch: 8 }), 2, prompt, 25, sampling);
    const greedy = await generate(new DecodeLoop(decoder, { maxBatch: 8 }), 3, prompt, 25);
    expect(a.tokens).toEqual(b.tokens);
    expect(a.tokens).not.toEqual(greedy.tokens);
  });
});

describe("generation on an Optimum merged decoder (decoder_model_merged.onnx: an If on use_cache_branch)", () => {
  const MERGED = path.resolve(__dirname, "../../../packages/onnx/fixtures/tiny-gpt2/decoder_model_merged.onnx");
  let merged: ort.InferenceSession;
  let mergedDecoder: OptimumDecoder;

  beforeAll(async () => {
    merged = await ort.InferenceSession.create(MERGED);
    mergedDecoder = decoderOf(merged);
  });
  afterAll(() => merged?.release());

  it("happy: use_cache_branch is read from the graph and fed: the merged export decodes exactly like the with-past one, alone and batched", async () => {
    expect(mergedDecoder.layout.hasUseCacheBranch).toBe(true);
    const prompts = ["Once upon a time", "The", "A longer prompt here"].map(encode);
    const loop = new DecodeLoop(mergedDecoder, { maxBatch: 8 });
    const together = await Promise.all(prompts.map((p, i) => generate(loop, i, p, 20)));
    expect(together.map((g) => g.tokens)).toEqual(await Promise.all(prompts.map((p) => fullRecompute(p, 20))));
  });
});
