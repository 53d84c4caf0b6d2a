// Encoder-decoder generation on a real ONNX export (a tiny BART/T5-shaped model with the exact
// files and names of a Hugging Face Optimum seq2seq export: encoder_model.onnx and
// decoder_model_merged.onnx with its If on use_cache_branch; scripts/generation/tiny_seq2seq.py)
// against the plainest reference — the decoder rerun over the whole target at every step,
// without past — and through the tier's generate extension in a tenant's worker process.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DecodeLoop, type FinishReason } from "../src/generation/decode-loop";
import { OptimumSeq2SeqDecoder, seq2seqLayout } from "../src/generation/optimum-seq2seq";
import { argmax, GREEDY } from "../src/generation/sampling";
import type { RunningInference } from "../src/server";
import { storeModel } from "./model-store";
import { startTestTier } from "./test-tier";

const FIXTURE = path.resolve(__dirname, "../../../packages/onnx/fixtures/tiny-seq2seq");
const VOCAB = 97;
const START = 0;
const EOS = 96;
/** The fixture's tokenizer: <pad> 0, printable ASCII 1…95, </s> 96 (ending every source). */
const source = (text: string) => [...[...text].map((c) => c.charCodeAt(0) - 31), EOS];

let encoder: ort.InferenceSession;
let decoderSession: ort.InferenceSession;
let decoder: OptimumSeq2SeqDecoder;

const meta = (names: readonly string[], m: readonly ort.InferenceSession.ValueMetadata[]) =>
  names.map((name, i) => ({ name, shape: (m[i] as { shape?: (number | string)[] }).shape }));
const i64 = (values: number[]) => new ort.Tensor("int64", BigInt64Array.from(values.map(BigInt)), [1, values.length]);

beforeAll(async () => {
  encoder = await ort.InferenceSession.create(path.join(FIXTURE, "encoder_model.onnx"));
  decoderSession = await ort.InferenceSession.create(path.join(FIXTURE, "decoder_model_merged.onnx"));
  const layout = seq2seqLayout(
    meta(decoderSession.inputNames, decoderSession.inputMetadata),
    meta(decoderSession.outputNames, decoderSession.outputMetadata),
  );
  decoder = new OptimumSeq2SeqDecoder(encoder, decoderSession, ort, layout, VOCAB, START);
});
afterAll(async () => {
  await encoder?.release();
  await decoderSession?.release();
});

/** Greedy: the source encoded once, the decoder rerun over the whole target each step (use_cache_branch false). */
async function fullRecompute(src: number[], steps: number): Promise<number[]> {
  const hidden = (await encoder.run({ input_ids: i64(src), attention_mask: i64(src.map(() => 1)) }))
    .last_hidden_state as ort.Tensor;
  const target = [START];
  for (let s = 0; s < steps; s++) {
    const feeds: Record<string, ort.Tensor> = {
      input_ids: i64(target),
      encoder_attention_mask: i64(src.map(() => 1)),
      encoder_hidden_states: hidden,
      use_cache_branch: new ort.Tensor("bool", [false], [1]),
    };
    for (const name of decoderSession.inputNames.filter((n) => n.startsWith("past_key_values."))) {
      feeds[name] = new ort.Tensor("float32", new Float32Array(0), [1, 2, 0, 16]);
    }
    const logits = (await decoderSession.run(feeds)).logits as ort.Tensor;
    const t = target.length;
    const next = argmax((logits.data as Float32Array).subarray((t - 1) * VOCAB, t * VOCAB));
    if (next === EOS) break;
    target.push(next);
  }
  return target.slice(1);
}

function generate(loop: DecodeLoop, id: number, prompt: number[], maxTokens: number) {
  const tokens: number[] = [];
  return new Promise<{ tokens: number[]; reason: FinishReason; promptTokens: number }>((resolve, reject) => {
    loop.add({
      id,
      prompt,
      maxTokens,
      stopTokens: [EOS],
      sampling: GREEDY,
      onToken: (t) => tokens.push(t),
      onDone: (reason, usage) => resolve({ tokens, reason, promptTokens: usage.promptTokens }),
      onError: reject,
    });
  });
}

describe("encoder-decoder generation on an Optimum-named seq2seq export", () => {
  it("happy: the merged decoder's layout is read from the graph (2 layers of self and cross caches, 2 heads of 16)", () => {
    expect(decoder.layout).toEqual({
      decoderPasts: [
        "past_key_values.0.decoder.key",
        "past_key_values.0.decoder.value",
        "past_key_values.1.decoder.key",
        "past_key_values.1.decoder.value",
      ],
      encoderPasts: [
        "past_key_values.0.encoder.key",
        "past_key_values.0.encoder.value",
        "past_key_values.1.encoder.key",
        "past_key_values.1.encoder.value",
      ],
      heads: 2,
      headDim: 16,
    });
  });

  it("happy: KV-cache decoding (cross keys/values kept from the first step) gives exactly the full-recompute tokens, greedy", async () => {
    const loop = new DecodeLoop(decoder, { maxBatch: 8 });
    const src = source("Hello there"); // 19 tokens, then </s> (most sources of this random model end sooner)
    const got = await generate(loop, 1, src, 30);
    const want = await fullRecompute(src, 30);
    expect(want.length).toBeGreaterThan(10); // enough steps with the cache to show it
    expect(got.tokens).toEqual(want);
    expect(got.promptTokens).toBe(src.length);
    expect(got.reason).toBe(want.length < 30 ? "stop" : "length");
  });

  it("happy: four concurrent sources of different lengths, decoded step by step together, each get exactly their own answer", async () => {
    const loop = new DecodeLoop(decoder, { maxBatch: 8 });
    const sources = ["A", "Summarise me", "Hello, world!", "x".repeat(40)].map(source);
    const got = await Promise.all(sources.map((s, i) => generate(loop, 10 + i, s, 16)));
    for (const [i, s] of sources.entries()) expect(got[i]?.tokens).toEqual(await fullRecompute(s, 16));
  });

  it("error: a decoder without past caches or without use_cache_branch is refused saying what it needs", () => {
    const inputs = meta(decoderSession.inputNames, decoderSession.inputMetadata);
    const outputs = meta(decoderSession.outputNames, decoderSession.outputMetadata);
    expect(() =>
      seq2seqLayout(
        inputs.filter((i) => i.name !== "use_cache_branch"),
        outputs,
      ),
    ).toThrow(/use_cache_branch/);
    expect(() =>
      seq2seqLayout(
        inputs.filter((i) => !i.name.includes(".encoder.")),
        outputs,
      ),
    ).toThrow(/\.decoder\.\* and \.encoder\.\*/);
  });
});

describe("generate extension with an encoder-decoder", () => {
  const SECRET = crypto.randomBytes(32).toString("hex");
  const TENANT = "tnt_01kkkkkkkkkkkkkkkkkkkkkkkk";
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-seq2seq-"));
  const DECODER = storeModel(dataDir, fs.readFileSync(path.join(FIXTURE, "decoder_model_merged.onnx")));
  const ENCODER = storeModel(dataDir, fs.readFileSync(path.join(FIXTURE, "encoder_model.onnx")));
  let tier: RunningInference;

  beforeAll(async () => {
    tier = await startTestTier(dataDir, SECRET);
  });
  afterAll(async () => {
    await tier?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const post = async (body: unknown) => {
    const res = await fetch(`${tier.url}/v2/models/${DECODER}/generate`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${SECRET}`, "x-tenant-id": TENANT },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it("happy: the tenant's worker runs encoder and merged decoder: the tokens of the full recompute, the source counted as the prompt", async () => {
    const src = source("Hello there");
    const { status, body } = await post({
      input_ids: src,
      parameters: { max_tokens: 20, stop_token_ids: [EOS], encoder_model: ENCODER, decoder_start_token_id: START },
    });
    expect(status).toBe(200);
    expect(body.token_ids).toEqual(await fullRecompute(src, 20));
    expect(body.prompt_tokens).toBe(src.length);
  });

  it("error: an unknown encoder is NOT_FOUND; an encoder without its start token is BAD_USER_INPUT", async () => {
    const unknown = await post({
      input_ids: [1, 2],
      parameters: { encoder_model: "0".repeat(64), decoder_start_token_id: 0 },
    });
    expect(unknown.status).toBe(404);
    const half = await post({ input_ids: [1, 2], parameters: { encoder_model: ENCODER } });
    expect(half.status).toBe(400);
    expect(JSON.stringify(half.body)).toMatch(/decoder_start_token_id/);
  });
});
