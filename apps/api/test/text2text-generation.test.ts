// Encoder-decoder models (summarisation, translation: TEXT2TEXT exports) end to end: the tiny
// Optimum-named seq2seq model (packages/onnx/fixtures/tiny-seq2seq, scripts/generation/
// tiny_seq2seq.py) published through the public upload + publish path as a TEXT_GENERATION
// version — decoder_model_merged.onnx as the model, encoder_model.onnx as its `encoder` asset —
// checked by a publish-time example, called with generateText and the official `openai` client,
// billed per token like any generation.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyClient,
  errorCode,
  FREE_TOKEN_PLAN,
  signUpTenant,
  startTestApi,
  subscribeTo,
  type TestApi,
  type TestTenant,
  usedUnits,
} from "./harness";

const FIXTURE = path.resolve(__dirname, "../../../packages/onnx/fixtures/tiny-seq2seq");
const read = (file: string) => fs.readFileSync(path.join(FIXTURE, file));
const VOCAB = 97;
const EOS = 96;
/** The fixture's tokenizer: <pad> 0 (the decoder's start), printable ASCII 1…95, </s> 96 ending every source. */
const source = (text: string) => [...[...text].map((c) => c.charCodeAt(0) - 31), EOS];
const decode = (ids: number[]) => ids.map((id) => String.fromCharCode(id + 31)).join("");

let api: TestApi;
let publisher: TestTenant;
let consumerTenant: TestTenant;

/** Greedy, without any cache: the source encoded, the decoder rerun over the whole target each step. */
async function reference(text: string, steps: number): Promise<string> {
  const encoder = await ort.InferenceSession.create(read("encoder_model.onnx"));
  const decoder = await ort.InferenceSession.create(read("decoder_model_merged.onnx"));
  try {
    const i64 = (v: number[]) => new ort.Tensor("int64", BigInt64Array.from(v.map(BigInt)), [1, v.length]);
    const src = source(text);
    const hidden = (await encoder.run({ input_ids: i64(src), attention_mask: i64(src.map(() => 1)) }))
      .last_hidden_state as ort.Tensor;
    const target = [0];
    for (let s = 0; s < steps; s++) {
      const feeds: Record<string, ort.Tensor> = {
        input_ids: i64(target),
        encoder_attention_mask: i64(src.map(() => 1)),
        encoder_hidden_states: hidden,
        use_cache_branch: new ort.Tensor("bool", [false], [1]),
      };
      for (const n of decoder.inputNames.filter((x) => x.startsWith("past_"))) {
        feeds[n] = new ort.Tensor("float32", new Float32Array(0), [1, 2, 0, 16]);
      }
      const logits = (await decoder.run(feeds)).logits?.data as Float32Array;
      const last = logits.subarray((target.length - 1) * VOCAB, target.length * VOCAB);
      let best = 0;
      for (let i = 1; i < VOCAB; i++) if ((last[i] as number) > (last[best] as number)) best = i;
      if (best === EOS) break;
      target.push(best);
    }
    return decode(target.slice(1));
  } finally {
    await encoder.release();
    await decoder.release();
  }
}

/** Uploads the export's files as a publisher would and publishes them; the raw answer. */
async function publish(
  options: { examples?: unknown[]; withoutEncoder?: boolean; replace?: Record<string, object> } = {},
) {
  const client = publisher.client;
  const decoder = await client.uploadArtifact(read("decoder_model_merged.onnx"), {
    fileName: "decoder_model_merged.onnx",
  });
  const assets: Record<string, string> = {};
  if (!options.withoutEncoder) {
    // The encoder is a model file: uploaded like one (validated, up to ARTIFACT_MAX_BYTES).
    assets.encoder = (await client.uploadArtifact(read("encoder_model.onnx"), { fileName: "encoder_model.onnx" })).body
      .id as string;
  }
  for (const [role, file] of [
    ["tokenizer", "tokenizer.json"],
    ["tokenizer_config", "tokenizer_config.json"],
    ["generation_config", "generation_config.json"],
    ["config", "config.json"],
  ] as const) {
    const replaced = options.replace?.[role];
    const bytes = replaced ? Buffer.from(JSON.stringify(replaced)) : read(file);
    assets[role] = (await client.uploadArtifact(bytes, { kind: "asset", fileName: file })).body.id as string;
  }
  return client.raw<{ publishModel: { slug: string; plans: { id: string }[] } }>(
    `mutation($i: PublishModelInput!) { publishModel(input: $i) { slug plans { id } } }`,
    {
      i: {
        name: `tiny seq2seq ${crypto.randomBytes(3).toString("hex")}`,
        description: "A tiny encoder-decoder for tests",
        task: "TEXT_GENERATION",
        artifactId: decoder.body.id,
        version: "1.0.0",
        assets,
        examples: options.examples,
        plans: [{ ...FREE_TOKEN_PLAN, includedUnits: 100_000, rateLimitPerMinute: 10_000 }],
      },
    },
  );
}

beforeAll(async () => {
  api = await startTestApi({}, { inference: true });
  publisher = await signUpTenant(api, "Translation lab");
  consumerTenant = await signUpTenant(api, "Summary reader");
}, 120_000);
afterAll(() => api?.close());

describe("encoder-decoder generation (an Optimum seq2seq export)", () => {
  it("happy: encoder + merged decoder publish with a greedy example; generateText and /v1/completions (official openai client) answer the full-recompute reference, billed source + generated tokens", async () => {
    const want = await reference("Hello there", 30);
    expect(want.length).toBeGreaterThan(10);
    const published = await publish({ examples: [{ text: "Hello there", expect: { startsWith: want.slice(0, 8) } }] });
    expect(published.body.errors).toBeUndefined();
    const { slug, plans } = (published.body.data as { publishModel: { slug: string; plans: { id: string }[] } })
      .publishModel;
    await subscribeTo(consumerTenant, slug, plans[0]?.id);
    const key = await apiKeyClient(api, consumerTenant, ["inference"]);

    const { body } = await key.client.raw<{
      generateText: { text: string; finishReason: string; promptTokens: number; completionTokens: number };
    }>(
      `mutation($m: String!) { generateText(model: $m, prompt: "Hello there", maxTokens: 30) { text finishReason promptTokens completionTokens } }`,
      { m: slug },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.generateText).toEqual({
      text: want,
      finishReason: want.length < 30 ? "stop" : "length",
      promptTokens: 12, // "Hello there" and </s>
      completionTokens: want.length,
    });
    expect(await usedUnits(consumerTenant, slug)).toBe(12 + want.length);

    const openai = new OpenAI({ apiKey: key.secret, baseURL: `${api.url}/v1`, maxRetries: 0 });
    const stream = await openai.completions.create({
      model: slug,
      prompt: "Hello there",
      max_tokens: 30,
      stream: true,
    });
    let streamed = "";
    for await (const chunk of stream) streamed += chunk.choices[0]?.text ?? "";
    expect(streamed).toBe(want);
  });

  it("error: a merged decoder without its encoder, or without a decoder start token, is refused at publish saying what to add; a wrong example is refused naming the answer", async () => {
    const noEncoder = await publish({ withoutEncoder: true });
    expect(errorCode(noEncoder.body)).toBe("BAD_USER_INPUT");
    expect(noEncoder.body.errors?.[0]?.message).toMatch(/"encoder" asset \(encoder_model\.onnx/);
    const noStart = await publish({
      replace: { generation_config: { eos_token_id: EOS }, config: { eos_token_id: EOS, is_encoder_decoder: true } },
    });
    expect(errorCode(noStart.body)).toBe("BAD_USER_INPUT");
    expect(noStart.body.errors?.[0]?.message).toMatch(/decoder_start_token_id/);
    const wrong = await publish({ examples: [{ text: "Hello there", expect: { startsWith: "definitely not" } }] });
    expect(errorCode(wrong.body)).toBe("BAD_USER_INPUT");
    expect(wrong.body.errors?.[0]?.message).toMatch(/expected text starting "definitely not" but the model answered "/);
  });
});
