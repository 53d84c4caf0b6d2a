// TEXT_GENERATION end to end: a tiny GPT-2 with the exact Hugging Face Optimum input and output
// names (packages/onnx/fixtures/tiny-gpt2, built by scripts/generation/tiny_gpt2.py) published
// through the public upload + publish path, called with generateText, billed per token.
import fs from "node:fs";
import path from "node:path";
import type { PlanTerms } from "@modelmarket/domain";
import { lengthTextClassifier } from "@modelmarket/onnx";
import { createClient } from "graphql-sse";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reserveTokens } from "../src/metering/reserve-units";
import { reconcileReservations } from "../src/use-cases/billing/reconcile-reservations";
import {
  apiKeyClient,
  errorCode,
  FREE_TOKEN_PLAN,
  publishTinyGpt,
  signUpTenant,
  startTestApi,
  subscribeTo,
  type TestApi,
  type TestTenant,
  TINY_GPT2,
  usedUnits,
} from "./harness";

const read = (file: string) => fs.readFileSync(path.join(TINY_GPT2, file));
const VOCAB = 96;
/** The fixture's tokenizer: printable ASCII, one token per character (id = code - 32). */
const encode = (text: string) => [...text].map((c) => c.charCodeAt(0) - 32);
const decode = (ids: number[]) => ids.map((id) => String.fromCharCode(id + 32)).join("");

let api: TestApi;
let publisher: TestTenant;
let consumerTenant: TestTenant;
let consumer: Awaited<ReturnType<typeof apiKeyClient>>;

function publish(plan: Partial<PlanTerms> = {}, model: Uint8Array = read("model.onnx"), visibility = "PUBLIC") {
  return publishTinyGpt(publisher, {
    model,
    visibility,
    plans: [{ ...FREE_TOKEN_PLAN, includedUnits: 100_000, rateLimitPerMinute: 10_000, ...plan }],
  });
}

async function publishAndSubscribe(plan: Partial<PlanTerms> = {}) {
  const { body } = await publish(plan);
  expect(body.errors).toBeUndefined();
  const published = body.data?.publishModel as { slug: string; plans: { id: string }[] };
  await subscribeTo(consumerTenant, published.slug, published.plans[0]?.id);
  return published.slug;
}

/** Greedy tokens by recomputing the whole sequence each step, straight from onnxruntime. */
async function reference(prompt: string, steps: number): Promise<string> {
  const session = await ort.InferenceSession.create(read("model.onnx"));
  try {
    const seq = encode(prompt);
    for (let s = 0; s < steps; s++) {
      const i64 = (v: number[]) => new ort.Tensor("int64", BigInt64Array.from(v.map(BigInt)), [1, v.length]);
      const feeds: Record<string, ort.Tensor> = {
        input_ids: i64(seq),
        attention_mask: i64(seq.map(() => 1)),
        position_ids: i64(seq.map((_, k) => k)),
      };
      for (const n of session.inputNames.filter((x) => x.startsWith("past_"))) {
        feeds[n] = new ort.Tensor("float32", new Float32Array(0), [1, 2, 0, 16]);
      }
      const logits = (await session.run(feeds)).logits?.data as Float32Array;
      const last = logits.subarray((seq.length - 1) * VOCAB, seq.length * VOCAB);
      let best = 0;
      for (let i = 1; i < VOCAB; i++) if ((last[i] as number) > (last[best] as number)) best = i;
      if (best === VOCAB - 1) break; // <|endoftext|>
      seq.push(best);
    }
    return decode(seq.slice(encode(prompt).length));
  } finally {
    await session.release();
  }
}

const GENERATE = `mutation($m: String!, $p: String!, $n: Int, $stop: [String!], $t: Float, $seed: Float) {
  generateText(model: $m, prompt: $p, maxTokens: $n, stop: $stop, temperature: $t, seed: $seed) {
    text finishReason promptTokens completionTokens
  }
}`;
type Generated = { text: string; finishReason: string; promptTokens: number; completionTokens: number };

beforeAll(async () => {
  api = await startTestApi({}, { inference: true });
  publisher = await signUpTenant(api, "Decoder lab");
  consumerTenant = await signUpTenant(api, "Writer");
  consumer = await apiKeyClient(api, consumerTenant, ["inference"]);
}, 120_000);
afterAll(() => api?.close());

describe("TEXT_GENERATION", () => {
  it("happy: an Optimum-named export publishes; greedy generateText equals the full-recompute reference, billed prompt + generated tokens", async () => {
    const slug = await publishAndSubscribe();
    const prompt = "Once upon a time";
    const { body } = await consumer.client.raw<{ generateText: Generated }>(GENERATE, { m: slug, p: prompt, n: 24 });
    expect(body.errors).toBeUndefined();
    const g = body.data?.generateText as Generated;
    expect(g.text).toBe(await reference(prompt, 24));
    expect(g).toMatchObject({ promptTokens: 16, completionTokens: 24, finishReason: "length" });
    expect(await usedUnits(consumerTenant, slug)).toBe(16 + 24);
  });

  it("happy: a stop text ends the answer before it, billing only the tokens produced", async () => {
    const slug = await publishAndSubscribe();
    const free = await reference("Hello", 30);
    const stop = free.slice(5, 7);
    const { body } = await consumer.client.raw<{ generateText: Generated }>(GENERATE, {
      m: slug,
      p: "Hello",
      n: 30,
      stop: [stop],
    });
    const g = body.data?.generateText as Generated;
    expect(g.finishReason).toBe("stop");
    expect(g.text).toBe(free.slice(0, free.indexOf(stop)));
    expect(g.completionTokens).toBeLessThan(30);
    expect(await usedUnits(consumerTenant, slug)).toBe(5 + g.completionTokens);
  });

  it("happy: a seeded sampled generation is the same twice", async () => {
    const slug = await publishAndSubscribe();
    const call = async () =>
      (await consumer.client.raw<{ generateText: Generated }>(GENERATE, { m: slug, p: "Seed", n: 20, t: 1, seed: 7 }))
        .body.data?.generateText.text;
    expect(await call()).toBe(await call());
  });

  it("error: 20 concurrent generations against a 100-token quota: each reserves its worst case, none is served past the quota, every token is billed once", async () => {
    const slug = await publishAndSubscribe({ includedUnits: 100 });
    // Worst case 5 + 10 = 15 tokens each: at most 6 fit while the others wait or are refused.
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        consumer.client.raw<{ generateText: Generated }>(GENERATE, {
          m: slug,
          p: `Go ${String(i).padStart(2, "0")}`,
          n: 10,
        }),
      ),
    );
    const served = results.filter((r) => !r.body.errors).map((r) => r.body.data?.generateText as Generated);
    const refused = results.filter((r) => r.body.errors);
    expect(served.length).toBeGreaterThan(0);
    for (const r of refused) expect(errorCode(r.body)).toBe("QUOTA_EXCEEDED");
    const billed = served.reduce((sum, g) => sum + g.promptTokens + g.completionTokens, 0);
    expect(billed).toBeLessThanOrEqual(100);
    expect(await usedUnits(consumerTenant, slug)).toBe(billed);
    const events = await api.services.db.usageEvent.aggregate({
      where: { tenant: { slug: consumerTenant.tenantSlug }, subscription: { model: { slug } }, outcome: "SUCCESS" },
      _sum: { units: true },
      _count: true,
    });
    expect(events._count).toBe(served.length);
    expect(events._sum.units).toBe(billed);
  });

  it("error: a graph that is not a decoder with past is refused at publish, saying what is missing", async () => {
    const { body } = await publish({}, lengthTextClassifier(3));
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/TEXT_GENERATION.*(past_key_values|input_ids and attention_mask)/);
  });

  it("security: another tenant's private generative model is NOT_FOUND, and nothing is billed", async () => {
    const { body } = await publish({}, read("model.onnx"), "PRIVATE");
    const slug = body.data?.publishModel.slug as string;
    const res = await consumer.client.raw(GENERATE, { m: slug, p: "hi", n: 5 });
    expect(errorCode(res.body)).toBe("NOT_FOUND");
  });

  it("error: maxTokens beyond the model's positions and an empty prompt are BAD_USER_INPUT naming the argument", async () => {
    const slug = await publishAndSubscribe();
    const long = await consumer.client.raw(GENERATE, { m: slug, p: "x", n: 100_000 });
    expect(errorCode(long.body)).toBe("BAD_USER_INPUT");
    expect(long.body.errors?.[0]?.extensions?.field).toBe("maxTokens");
    const empty = await consumer.client.raw(GENERATE, { m: slug, p: "", n: 5 });
    expect(empty.body.errors?.[0]?.extensions?.field).toBe("prompt");
  });

  const STREAM = `subscription($m: String!, $p: String!, $n: Int) {
    generateTextStream(model: $m, prompt: $p, maxTokens: $n) { text done finishReason promptTokens completionTokens }
  }`;
  type Chunk = {
    text: string;
    done: boolean;
    finishReason: string | null;
    promptTokens: number | null;
    completionTokens: number | null;
  };
  const sse = (authorization?: string) =>
    createClient({
      url: `${api.url}/graphql/stream`,
      headers: authorization ? { authorization } : {},
      retryAttempts: 0,
    });

  it("happy: generateTextStream over graphql-sse (the library's own client) streams the text of generateText, then the usage", async () => {
    const slug = await publishAndSubscribe();
    const whole = await consumer.client.raw<{ generateText: Generated }>(GENERATE, {
      m: slug,
      p: "Once upon a time",
      n: 20,
    });
    const events: Chunk[] = [];
    for await (const result of sse(`Bearer ${consumer.secret}`).iterate<{ generateTextStream: Chunk }>({
      query: STREAM,
      variables: { m: slug, p: "Once upon a time", n: 20 },
    })) {
      expect(result.errors).toBeUndefined();
      events.push(result.data?.generateTextStream as Chunk);
    }
    expect(events.length).toBeGreaterThan(5);
    expect(events.slice(0, -1).every((e) => !e.done)).toBe(true);
    expect(events.map((e) => e.text).join("")).toBe(whole.body.data?.generateText.text);
    expect(events.at(-1)).toMatchObject({ done: true, finishReason: "length", promptTokens: 16, completionTokens: 20 });
    expect(await usedUnits(consumerTenant, slug)).toBe(2 * (16 + 20));
  });

  it("error: generateTextStream without a key is UNAUTHENTICATED; another tenant's private model NOT_FOUND", async () => {
    const slug = await publishAndSubscribe();
    const codes: string[] = [];
    const collect = async (authorization: string | undefined, model: string) => {
      try {
        for await (const result of sse(authorization).iterate({
          query: STREAM,
          variables: { m: model, p: "x", n: 3 },
        })) {
          codes.push(String(result.errors?.[0]?.extensions?.code));
        }
      } catch (error) {
        codes.push(String((error as { extensions?: { code?: string } }[])[0]?.extensions?.code ?? error));
      }
    };
    await collect(undefined, slug);
    const { body } = await publish({}, read("model.onnx"), "PRIVATE");
    await collect(`Bearer ${consumer.secret}`, body.data?.publishModel.slug as string);
    expect(codes).toEqual(["UNAUTHENTICATED", "NOT_FOUND"]);
  });

  it("error: a subscriber that leaves stops the generation; it is billed the tokens produced until then", async () => {
    const slug = await publishAndSubscribe();
    let received = 0;
    for await (const result of sse(`Bearer ${consumer.secret}`).iterate<{ generateTextStream: Chunk }>({
      query: STREAM,
      variables: { m: slug, p: "Leave", n: 200 },
    })) {
      if (result.data?.generateTextStream.text) received++;
      if (received === 3) break;
    }
    let used = 0;
    for (let i = 0; i < 300 && used <= 0; i++) {
      used = await usedUnits(consumerTenant, slug);
      if (used <= 0) await new Promise((r) => setTimeout(r, 10));
    }
    expect(used).toBeGreaterThanOrEqual(5 + 3);
    expect(used).toBeLessThan(5 + 200);
  });
});

describe("token prices (input and output tokens priced per million)", () => {
  // $300 per million prompt tokens (300 micros each), $1,000 per million generated (1,000 micros
  // each): large enough that a few tokens make cents, so every line of the arithmetic shows.
  const PRICED = {
    name: "Tokens",
    includedUnits: 10,
    inputPricePerMillionMicros: 300_000_000,
    outputPricePerMillionMicros: 1_000_000_000,
  };
  const billing = async () => apiKeyClient(api, consumerTenant, ["inference", "billing:read"]);

  it("happy: beyond the included tokens a call's last tokens are billed, generated ones at the output price; receipt, usage, estimate and invoice say input and output tokens and agree", async () => {
    const slug = await publishAndSubscribe(PRICED);
    const key = await billing();
    // Call 1: 5 prompt + 8 generated = 13 tokens, 10 included → its last 3 (generated) billed.
    // Call 2: 6 prompt + 8 generated, all beyond → 6 input and 8 output billed.
    const calls: { requestId: string; g: Generated }[] = [];
    for (const p of ["Hello", "Again!"]) {
      const { body } = await key.client.raw<{ generateText: Generated }>(GENERATE, { m: slug, p, n: 8 });
      expect(body.errors).toBeUndefined();
      calls.push({ requestId: body.extensions?.requestId as string, g: body.data?.generateText as Generated });
    }
    const [first, second] = calls.map((c) => c.g) as [Generated, Generated];
    // Written out: the tail of the period beyond 10 tokens, generated tokens last in each call.
    const total1 = first.promptTokens + first.completionTokens;
    const billed1 = Math.max(0, total1 - 10);
    const out1 = Math.min(billed1, first.completionTokens);
    const in1 = billed1 - out1;
    const in2 = second.promptTokens;
    const out2 = second.completionTokens;
    expect([first.promptTokens, second.promptTokens]).toEqual([5, 6]);

    const receipt = async (requestId: string) =>
      (
        await key.client.raw<{
          receipt: { units: number; inputTokens: number; outputTokens: number; amountMicros: number };
        }>(`query($r: ID!) { receipt(requestId: $r) { units inputTokens outputTokens amountMicros } }`, {
          r: requestId,
        })
      ).body.data?.receipt;
    expect(await receipt(calls[0]?.requestId as string)).toEqual({
      units: total1,
      inputTokens: 5,
      outputTokens: first.completionTokens,
      amountMicros: in1 * 300 + out1 * 1000,
    });
    expect(await receipt(calls[1]?.requestId as string)).toMatchObject({
      inputTokens: 6,
      outputTokens: out2,
      amountMicros: in2 * 300 + out2 * 1000,
    });

    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const usage = await consumerTenant.client.raw<{
      usage: { points: { model: string; units: number; inputTokens: number; outputTokens: number }[] };
    }>(
      `query($f: DateTime!, $t: DateTime!) { usage(from: $f, to: $t) { points { model units inputTokens outputTokens } } }`,
      {
        f: from,
        t: to,
      },
    );
    const points = usage.body.data?.usage.points.filter((p) => p.model === slug) ?? [];
    expect(points.reduce((s, p) => s + p.inputTokens, 0)).toBe(11);
    expect(points.reduce((s, p) => s + p.outputTokens, 0)).toBe(first.completionTokens + out2);

    const inputCents = Math.round(((in1 + in2) * 300) / 10_000);
    const outputCents = Math.round(((out1 + out2) * 1000) / 10_000);
    const subs = await consumerTenant.client.raw<{
      subscriptions: {
        model: { slug: string };
        estimate: {
          overageUnits: number;
          overageInputTokens: number;
          overageOutputTokens: number;
          overageCents: number;
        };
      }[];
    }>(
      "{ subscriptions { model { slug } estimate { overageUnits overageInputTokens overageOutputTokens overageCents } } }",
    );
    expect(subs.body.data?.subscriptions.find((s) => s.model.slug === slug)?.estimate).toEqual({
      overageUnits: in1 + in2 + out1 + out2,
      overageInputTokens: in1 + in2,
      overageOutputTokens: out1 + out2,
      overageCents: inputCents + outputCents,
    });
    const upcoming = await consumerTenant.client.raw<{
      upcomingInvoices: { lines: { description: string; model: string; quantity: number; amountCents: number }[] }[];
    }>("{ upcomingInvoices { lines { description model quantity amountCents } } }");
    const lines = upcoming.body.data?.upcomingInvoices.flatMap((i) => i.lines).filter((l) => l.model === slug);
    expect(lines).toEqual([
      expect.objectContaining({ description: `${slug} — Tokens plan, monthly fee`, quantity: 1, amountCents: 0 }),
      expect.objectContaining({ description: `${slug} — included tokens`, quantity: 10, amountCents: 0 }),
      expect.objectContaining({
        description: `${slug} — input tokens beyond the plan at $300.00 per million`,
        quantity: in1 + in2,
        amountCents: inputCents,
      }),
      expect.objectContaining({
        description: `${slug} — output tokens beyond the plan at $1,000.00 per million`,
        quantity: out1 + out2,
        amountCents: outputCents,
      }),
    ]);
  });

  it("error: a spend cap prices the worst case with both prices: a call whose prompt + maxTokens could pass it is QUOTA_EXCEEDED before any token; what a call did not use goes back to the cap exactly", async () => {
    const slug = await publishAndSubscribe({ ...PRICED, includedUnits: 0 });
    const sub = await api.services.db.subscription.findFirstOrThrow({
      where: { tenant: { slug: consumerTenant.tenantSlug }, model: { slug } },
    });
    // 2 cents = 20,000 micros: "Hi" (2 × 300) + 19 generated (19 × 1,000) = 19,600 fits; + 20 = 20,600 does not.
    await consumerTenant.client.raw(`mutation($s: ID!) { setSpendCap(subscriptionId: $s, capCents: 2) { id } }`, {
      s: sub.id,
    });
    const over = await consumer.client.raw(GENERATE, { m: slug, p: "Hi", n: 20 });
    expect(errorCode(over.body)).toBe("QUOTA_EXCEEDED");
    expect(await usedUnits(consumerTenant, slug)).toBe(0);
    const stopped = await consumer.client.raw<{ generateText: Generated }>(GENERATE, {
      m: slug,
      p: "Hi",
      n: 19,
      stop: [(await reference("Hi", 19)).slice(2, 4)],
    });
    const g = stopped.body.data?.generateText as Generated;
    expect(g.completionTokens).toBeLessThan(19);
    const after = await api.services.db.subscription.findUniqueOrThrow({ where: { id: sub.id } });
    // Settled: the period's billed counters are exactly the served call's tokens (the unused ones went back).
    expect([after.periodUnits, after.periodBilledInputUnits, after.periodBilledOutputUnits]).toEqual([
      2 + g.completionTokens,
      2,
      g.completionTokens,
    ]);
  });

  it("error: tokens held by a generation whose instance died (reserved, never settled) come back with their share of the billed counters once quiet", async () => {
    const slug = await publishAndSubscribe({ ...PRICED, includedUnits: 0 });
    const served = await consumer.client.raw<{ generateText: Generated }>(GENERATE, { m: slug, p: "Hi", n: 4 });
    const g = served.body.data?.generateText as Generated;
    const where = { tenant: { slug: consumerTenant.tenantSlug }, model: { slug } };
    const sub = await api.services.db.subscription.findFirstOrThrow({ where });
    // A generation of a killed instance: 3 prompt + 10 generated tokens reserved, all beyond the included ones.
    await reserveTokens(api.services, sub, { input: 3, output: 10 });
    await api.services.db.subscription.update({
      where: { id: sub.id },
      data: { lastReservedAt: new Date(Date.now() - 120_000) },
    });
    expect(await reconcileReservations(api.services, 60_000)).toBeGreaterThanOrEqual(1);
    const after = await api.services.db.subscription.findUniqueOrThrow({ where: { id: sub.id } });
    expect([after.periodUnits, after.periodBilledInputUnits, after.periodBilledOutputUnits]).toEqual([
      2 + g.completionTokens,
      2,
      g.completionTokens,
    ]);
  });

  it("error: a generation plan without token prices, with a unit price, and a unit-metered plan with token prices are BAD_USER_INPUT naming the field", async () => {
    const noTokens = await publish({ inputPricePerMillionMicros: null, outputPricePerMillionMicros: null });
    expect(errorCode(noTokens.body)).toBe("BAD_USER_INPUT");
    expect(noTokens.body.errors?.[0]?.extensions?.field).toBe("plans.0.inputPricePerMillionMicros");
    const unitPriced = await publish({ unitPriceMicros: 5 });
    expect(unitPriced.body.errors?.[0]?.extensions?.field).toBe("plans.0.unitPriceMicros");
    const upload = await publisher.client.uploadArtifact(lengthTextClassifier(3), { fileName: "m.onnx" });
    const classifier = await publisher.client.raw(
      `mutation($i: PublishModelInput!) { publishModel(input: $i) { slug } }`,
      {
        i: {
          name: "priced by token",
          description: "a classifier",
          task: "TEXT_CLASSIFICATION",
          artifactId: upload.body.id,
          version: "1.0.0",
          plans: [{ ...FREE_TOKEN_PLAN }],
        },
      },
    );
    expect(errorCode(classifier.body)).toBe("BAD_USER_INPUT");
    expect(classifier.body.errors?.[0]?.extensions?.field).toBe("plans.0.inputPricePerMillionMicros");
  });
});
