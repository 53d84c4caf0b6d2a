// The OpenAI-compatible surface with the official `openai` npm client, unmodified: `baseURL`
// pointed at the API, an API key of the marketplace, `model` = the marketplace slug.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { embed, streamText } from "ai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyClient,
  FREE_TOKEN_PLAN,
  publishTinyModel,
  signUpTenant,
  startTestApi,
  subscribeTo,
  type TestApi,
  type TestTenant,
  usedUnits,
} from "./harness";

const FIXTURE = path.resolve(__dirname, "../../../packages/onnx/fixtures/tiny-gpt2");
const read = (file: string) => fs.readFileSync(path.join(FIXTURE, file));

let api: TestApi;
let publisher: TestTenant;
let consumerTenant: TestTenant;
let key: string;
let openai: OpenAI;
let gpt: string;
let embedder: string;

async function publishGpt(includedUnits = 100_000): Promise<string> {
  const upload = await publisher.client.uploadArtifact(read("model.onnx"), { fileName: "model.onnx" });
  const assets: Record<string, string> = {};
  for (const [role, file] of [
    ["tokenizer", "tokenizer.json"],
    ["tokenizer_config", "tokenizer_config.json"],
    ["config", "config.json"],
  ] as const) {
    assets[role] = (await publisher.client.uploadArtifact(read(file), { kind: "asset", fileName: file })).body
      .id as string;
  }
  const { publishModel } = await publisher.client.request<{ publishModel: { slug: string; plans: { id: string }[] } }>(
    `mutation($i: PublishModelInput!) { publishModel(input: $i) { slug plans { id } } }`,
    {
      i: {
        name: `gpt ${crypto.randomBytes(3).toString("hex")}`,
        description: "A tiny GPT-2",
        task: "TEXT_GENERATION",
        artifactId: upload.body.id,
        version: "1.0.0",
        assets,
        plans: [{ ...FREE_TOKEN_PLAN, includedUnits, rateLimitPerMinute: 10_000 }],
      },
    },
  );
  await subscribeTo(consumerTenant, publishModel.slug, publishModel.plans[0]?.id);
  return publishModel.slug;
}

beforeAll(async () => {
  api = await startTestApi({}, { inference: true });
  publisher = await signUpTenant(api, "Open lab");
  consumerTenant = await signUpTenant(api, "Client dev");
  key = (await apiKeyClient(api, consumerTenant, ["inference"])).secret;
  openai = new OpenAI({ apiKey: key, baseURL: `${api.url}/v1`, maxRetries: 0 });
  gpt = await publishGpt();
  const embedding = await publishTinyModel(publisher, { task: "TEXT_EMBEDDING" });
  embedder = embedding.slug;
  await subscribeTo(consumerTenant, embedder, embedding.plans[0]?.id);
}, 120_000);
afterAll(() => api?.close());

describe("OpenAI-compatible API with the official client", () => {
  it("happy: completions.create answers the same text as generateText, with usage", async () => {
    const completion = await openai.completions.create({ model: gpt, prompt: "Once upon a time", max_tokens: 20 });
    const viaGraphql = await consumerTenant.client.request<{ generateText: { text: string } }>(
      `mutation($m: String!) { generateText(model: $m, prompt: "Once upon a time", maxTokens: 20) { text } }`,
      { m: gpt },
    );
    expect(completion.choices[0]?.text).toBe(viaGraphql.generateText.text);
    expect(completion.choices[0]?.finish_reason).toBe("length");
    expect(completion.usage).toEqual({ prompt_tokens: 16, completion_tokens: 20, total_tokens: 36 });
    expect(completion.model).toBe(gpt);
  });

  it("happy: a streamed chat completion arrives in chunks that add up to the whole answer; the last carries usage", async () => {
    const messages = [{ role: "user" as const, content: "Say something" }];
    const whole = await openai.chat.completions.create({ model: gpt, messages, max_tokens: 25 });
    const stream = await openai.chat.completions.create({
      model: gpt,
      messages,
      max_tokens: 25,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? "";
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(5);
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(finish).toBe("length");
    expect(usage).toEqual(whole.usage);
    // No chat template in this model: "role: content" lines, then "assistant:".
    const rendered = await consumerTenant.client.request<{ generateText: { text: string; promptTokens: number } }>(
      `mutation($m: String!, $p: String!) { generateText(model: $m, prompt: $p, maxTokens: 25) { text promptTokens } }`,
      { m: gpt, p: "user: Say something\nassistant:" },
    );
    expect(whole.usage?.prompt_tokens).toBe(rendered.generateText.promptTokens);
    expect(whole.choices[0]?.message.content).toBe(rendered.generateText.text);
  });

  it("happy: the Vercel AI SDK (ai + @ai-sdk/openai-compatible, unmodified) streams a chat answer and embeds, equal to the official client's", async () => {
    const provider = createOpenAICompatible({
      name: "modelmarket",
      baseURL: `${api.url}/v1`,
      apiKey: key,
      includeUsage: true,
    });
    const messages = [{ role: "user" as const, content: "Say something" }];
    const whole = await openai.chat.completions.create({ model: gpt, messages, max_tokens: 25 });
    const result = streamText({ model: provider.chatModel(gpt), messages, maxOutputTokens: 25, maxRetries: 0 });
    let text = "";
    let parts = 0;
    for await (const delta of result.textStream) {
      parts++;
      text += delta;
    }
    expect(parts).toBeGreaterThan(5);
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(await result.usage).toMatchObject({
      inputTokens: whole.usage?.prompt_tokens,
      outputTokens: whole.usage?.completion_tokens,
    });
    const { embedding } = await embed({
      model: provider.textEmbeddingModel(embedder),
      value: "hello there",
      maxRetries: 0,
    });
    const viaClient = await openai.embeddings.create({
      model: embedder,
      input: "hello there",
      encoding_format: "float",
    });
    expect(embedding.map((v) => Math.fround(v))).toEqual(viaClient.data[0]?.embedding.map((v) => Math.fround(v)));
  });

  it("happy: models.list lists the subscribed models; embeddings.create answers vectors equal to embedText (base64 and float)", async () => {
    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining([gpt, embedder]));
    const viaClient = await openai.embeddings.create({ model: embedder, input: ["hello there", "bye"] });
    const floats = await openai.embeddings.create({ model: embedder, input: "hello there", encoding_format: "float" });
    const viaGraphql = await consumerTenant.client.request<{ embedText: { values: number[] }[] }>(
      `mutation($m: String!) { embedText(model: $m, inputs: ["hello there", "bye"]) { values } }`,
      { m: embedder },
    );
    expect(viaClient.data).toHaveLength(2);
    viaClient.data.forEach((d, i) => {
      const want = viaGraphql.embedText[i]?.values ?? [];
      expect(d.embedding).toHaveLength(want.length);
      d.embedding.forEach((v, k) => {
        expect(v).toBeCloseTo(want[k] as number, 5);
      });
    });
    expect(floats.data[0]?.embedding.map((v) => Math.fround(v))).toEqual(
      viaGraphql.embedText[0]?.values.map((v) => Math.fround(v)),
    );
  });

  it("error: a wrong key is AuthenticationError, an unknown model NotFoundError, a bad field BadRequestError naming it", async () => {
    const stranger = new OpenAI({ apiKey: "mm_live_nope", baseURL: `${api.url}/v1`, maxRetries: 0 });
    await expect(stranger.completions.create({ model: gpt, prompt: "x" })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    await expect(openai.completions.create({ model: "nobody/nothing", prompt: "x" })).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
    const bad = await openai.completions.create({ model: gpt, prompt: "x", temperature: 9 }).catch((e) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect(bad.param).toBe("temperature");
    expect(bad.code).toBe("BAD_USER_INPUT");
  });

  it("error: a stream closed by the client stops the generation and bills only the tokens produced until then", async () => {
    const slug = await publishGpt();
    const controller = new AbortController();
    const stream = await openai.completions.create(
      { model: slug, prompt: "Tell", max_tokens: 200, stream: true },
      { signal: controller.signal },
    );
    let received = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.text) received++;
        if (received === 3) {
          controller.abort();
          // Leave at once: after an abort the openai client's iterator sometimes waits forever
          // for a next chunk (seen here: the API had stopped and billed the generation within
          // ~100 ms while the loop still waited), which made this test time out, not fail.
          break;
        }
      }
    } catch (error) {
      expect((error as Error).name).toMatch(/Abort/);
    }
    // The usage event is written when the API has stopped the generation (polled: a state, with
    // a deadline in time rather than in polls, which a loaded machine makes slow).
    let used = 0;
    for (const deadline = Date.now() + 20_000; used <= 0 && Date.now() < deadline; ) {
      used = await usedUnits(consumerTenant, slug);
      if (used <= 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(used).toBeGreaterThanOrEqual(4 + 3);
    expect(used).toBeLessThan(4 + 200);
    const events = await api.services.db.usageEvent.findMany({
      where: { subscription: { model: { slug } }, outcome: "SUCCESS" },
      select: { units: true },
    });
    expect(events).toEqual([{ units: used }]);
  }, 60_000);

  it("error: a quota that cannot hold the worst case (prompt + max_tokens) refuses the call before any token, unbilled", async () => {
    const slug = await publishGpt(50);
    const refused = await openai.completions.create({ model: slug, prompt: "Hello", max_tokens: 60 }).catch((e) => e);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect(refused.status).toBe(402);
    expect(refused.code).toBe("QUOTA_EXCEEDED");
    expect(await usedUnits(consumerTenant, slug)).toBe(0);
  });
});
