import { buildOnnxModel } from "@modelmarket/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyClient,
  errorCode,
  publishTinyModel,
  publishZooModelOverHttp,
  signUpTenant,
  startTestApi,
  subscribeTo,
  type TestApi,
  zooModel,
} from "./harness";

const CLASSIFY = `mutation($model: String!, $inputs: [String!]!) {
  classifyText(model: $model, inputs: $inputs) { label score scores { label score } }
}`;
const EMBED = `mutation($model: String!, $inputs: [String!]!, $version: String) {
  embedText(model: $model, inputs: $inputs, version: $version) { values }
}`;

type Classified = { classifyText: { label: string; score: number; scores: { label: string; score: number }[] }[] };
type Embedded = { embedText: { values: number[] }[] };

let api: TestApi;
let sentiment: string;
let encoder: string;
let consumer: Awaited<ReturnType<typeof apiKeyClient>>;

const cosine = (a: number[], b: number[]) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((v, i) => {
    dot += v * (b[i] as number);
    na += v * v;
    nb += (b[i] as number) ** 2;
  });
  return dot / Math.sqrt(na * nb);
};

beforeAll(async () => {
  api = await startTestApi({ MAX_INPUTS_PER_CALL: "8", TEXT_MAX_CHARS: "2000" }, { inference: true });
  const publisher = await signUpTenant(api, "Text Lab");
  const s = await publishZooModelOverHttp(publisher, await zooModel("sentiment"), { name: "sentiment" });
  const e = await publishZooModelOverHttp(publisher, await zooModel("sentence-encoder"), { name: "encoder" });
  sentiment = s.slug;
  encoder = e.slug;
  const tenant = await signUpTenant(api, "Reviewer");
  await subscribeTo(tenant, sentiment, s.plans[0]?.id);
  await subscribeTo(tenant, encoder, e.plans[0]?.id);
  consumer = await apiKeyClient(api, tenant, ["inference"]);
}, 180_000);
afterAll(() => api?.close());

describe("classifyText", () => {
  it("happy: clear positive and negative reviews get their sentiment, with probabilities that sum to 1", async () => {
    const data = await consumer.client.request<Classified>(CLASSIFY, {
      model: sentiment,
      inputs: [
        "This is the best phone I have ever owned, I love it!",
        "Terrible service, the food was cold and the waiter was rude.",
        "Absolutely wonderful movie, great acting.",
        "Waste of money. It broke after two days.",
      ],
    });
    expect(data.classifyText.map((r) => r.label)).toEqual(["positive", "negative", "positive", "negative"]);
    for (const r of data.classifyText) {
      expect(r.score).toBeGreaterThan(0.7);
      expect(r.scores.map((s) => s.label).sort()).toEqual(["negative", "positive"]);
      expect(r.scores.reduce((a, s) => a + s.score, 0)).toBeCloseTo(1, 5);
      expect(r.scores[0]).toEqual({ label: r.label, score: r.score });
    }
  });

  it("error: no texts, a blank text, too many texts, an over-long text each get their code", async () => {
    const cases: [string[], string, RegExp][] = [
      [[], "BAD_USER_INPUT", /at least one text/],
      [["fine", "   "], "BAD_USER_INPUT", /Text 1 is empty/],
      [Array(9).fill("ok"), "PAYLOAD_TOO_LARGE", /At most 8 texts/],
      [["x".repeat(2001)], "PAYLOAD_TOO_LARGE", /longer than 2000 characters/],
    ];
    for (const [inputs, code, message] of cases) {
      const { body } = await consumer.client.raw(CLASSIFY, { model: sentiment, inputs });
      expect(errorCode(body), String(message)).toBe(code);
      expect(body.errors?.[0]?.message).toMatch(message);
    }
  });

  it("error: a task mismatch, an unknown model and an unsubscribed model are refused with the model named", async () => {
    const mismatch = await consumer.client.raw(CLASSIFY, { model: encoder, inputs: ["hi"] });
    expect(errorCode(mismatch.body)).toBe("BAD_USER_INPUT");
    expect(mismatch.body.errors?.[0]?.message).toMatch(
      /classifyText needs a TEXT_CLASSIFICATION model; .* is TEXT_EMBEDDING/,
    );
    const missing = await consumer.client.raw(CLASSIFY, { model: "nobody/nothing", inputs: ["hi"] });
    expect(errorCode(missing.body)).toBe("NOT_FOUND");
    const other = await signUpTenant(api, "Unsubscribed");
    const key = await apiKeyClient(api, other, ["inference"]);
    const { body } = await key.client.raw(CLASSIFY, { model: sentiment, inputs: ["hi"] });
    expect(errorCode(body)).toBe("FORBIDDEN");
    expect(body.errors?.[0]?.message).toContain(sentiment);
  });

  it("happy: a publisher's WordPiece text model is tokenised and called like the shipped ones", async () => {
    const publisher = await signUpTenant(api, "Bert Shop");
    const tiny = await publishTinyModel(publisher);
    await subscribeTo(publisher, tiny.slug, tiny.plans[0]?.id);
    const key = await apiKeyClient(api, publisher, ["inference"]);
    const data = await key.client.request<Classified>(CLASSIFY, {
      model: tiny.slug,
      inputs: ["hello", "hello worlds"],
    });
    // The tiny model scores by length: [CLS] hello [SEP] is 3 tokens, [CLS] hello world ##s [SEP] is 5.
    expect(data.classifyText).toHaveLength(2);
    expect(data.classifyText[0]?.scores).not.toEqual(data.classifyText[1]?.scores);
  });
});

/**
 * A text model that passes the upload's trial run (one token) but fails inside its graph on
 * longer texts: it looks its scores up in an 8-row table by the text's token count.
 */
function modelFailingOnLongTexts(): Uint8Array {
  return buildOnnxModel({
    inputs: [
      { name: "input_ids", elemType: "INT64", shape: ["batch", "sequence"] },
      { name: "attention_mask", elemType: "INT64", shape: ["batch", "sequence"] },
    ],
    outputs: [{ name: "logits", elemType: "FLOAT", shape: ["batch", 3] }],
    initializers: [
      { name: "axes", dims: [1], int64Data: [1] },
      { name: "table", dims: [8, 3], floatData: Array.from({ length: 24 }, (_, i) => i / 24) },
    ],
    nodes: [
      {
        opType: "ReduceSum",
        inputs: ["attention_mask", "axes"],
        outputs: ["length"],
        attributes: [{ name: "keepdims", type: 2, i: 0 }],
      },
      { opType: "Gather", inputs: ["table", "length"], outputs: ["logits"] },
    ],
  });
}

describe("a publisher's model that fails while running", () => {
  it("error: is MODEL_ERROR naming the model, without onnxruntime's internals, and bills nothing", async () => {
    const publisher = await signUpTenant(api, "Broken Models");
    const upload = await publisher.client.uploadArtifact(modelFailingOnLongTexts(), { fileName: "broken.onnx" });
    expect(upload.status).toBe(201);
    const model = await publishTinyModel(publisher, { artifactId: upload.body.id });
    const tenant = await signUpTenant(api, "Caller");
    await subscribeTo(tenant, model.slug, model.plans[0]?.id);
    const key = await apiKeyClient(api, tenant, ["inference"]);
    const short = await key.client.raw<Classified>(CLASSIFY, { model: model.slug, inputs: ["hello"] });
    expect(short.body.errors).toBeUndefined();
    const long = await key.client.raw<Classified>(CLASSIFY, {
      model: model.slug,
      inputs: ["hello world hello world hello world hello world"],
    });
    expect(errorCode(long.body)).toBe("MODEL_ERROR");
    const message = long.body.errors?.[0]?.message ?? "";
    expect(message).toContain(`"${model.slug}"`);
    expect(message).not.toMatch(/\.cc\b|\.h:\d|onnxruntime::|\[ONNXRuntimeError\]|\/onnxruntime/);
    const served = await api.db.prisma.usageEvent.groupBy({
      by: ["outcome"],
      where: { tenantId: tenant.tenantId },
      _sum: { billedUnits: true, units: true },
    });
    // The failed call bills nothing (its error event, written without waiting, carries 0 units).
    const byOutcome = Object.fromEntries(served.map((g) => [g.outcome, g._sum.units]));
    expect(byOutcome.SUCCESS).toBe(1);
    expect(byOutcome.ERROR ?? 0).toBe(0);
  });
});

describe("a charge written while the model runs", () => {
  it("error: a model run that fails after its charge has been written leaves the quota, the usage and the invoice exactly as before the call", async () => {
    const publisher = await signUpTenant(api, "Failing After Charge");
    const upload = await publisher.client.uploadArtifact(modelFailingOnLongTexts(), { fileName: "broken.onnx" });
    const paid = {
      name: "Metered",
      monthlyFeeCents: 500,
      includedUnits: 2,
      unitPriceMicros: 250_000,
      rateLimitPerMinute: 600,
    };
    const model = await publishTinyModel(publisher, { artifactId: upload.body.id, plans: [paid] });
    const tenant = await signUpTenant(api, "Charged Caller");
    await subscribeTo(tenant, model.slug, model.plans[0]?.id);
    const key = await apiKeyClient(api, tenant, ["inference", "billing:read"]);
    // Three served calls: the subscription's room is known, so the next call is charged while it runs.
    for (let i = 0; i < 3; i++) {
      expect((await key.client.raw(CLASSIFY, { model: model.slug, inputs: ["hello"] })).body.errors).toBeUndefined();
    }
    const state = async () => ({
      subscription: await api.db.prisma.subscription.findFirstOrThrow({
        where: { tenantId: tenant.tenantId },
        select: { periodUnits: true },
      }),
      events: await api.db.prisma.usageEvent.aggregate({
        where: { tenantId: tenant.tenantId, outcome: "SUCCESS" },
        _count: true,
        _sum: { units: true, billedUnits: true, amountMicros: true },
      }),
      invoice: (
        await key.client.request<{ upcomingInvoices: unknown[] }>(
          "{ upcomingInvoices { currency totalCents lines { description quantity amountCents } } }",
        )
      ).upcomingInvoices,
    });
    const before = await state();
    expect(before.subscription.periodUnits).toBe(3);
    const statements: string[] = [];
    const durable = api.services.durableQuery;
    api.services.durableQuery = (sql, params) => {
      statements.push(sql.trim().split(/\s+/).slice(0, 4).join(" "));
      return durable(sql, params);
    };
    try {
      const failed = await key.client.raw(CLASSIFY, {
        model: model.slug,
        inputs: ["hello world hello world hello world hello world"],
      });
      expect(errorCode(failed.body)).toBe("MODEL_ERROR");
    } finally {
      api.services.durableQuery = durable;
    }
    // The charge was written (charge_calls) and then taken back (the refund's DELETE) before the error answered.
    expect(statements.some((s) => s.includes("charge_calls"))).toBe(true);
    expect(statements.some((s) => s.startsWith("WITH gone AS (DELETE"))).toBe(true);
    expect(await state()).toEqual(before);
  });
});

describe("embedText", () => {
  it("happy: 512-d unit vectors; similar sentences are closer than dissimilar ones", async () => {
    const data = await consumer.client.request<Embedded>(EMBED, {
      model: encoder,
      inputs: [
        "How do I reset my password?",
        "I forgot my password, how can I change it?",
        "The weather is lovely today.",
      ],
    });
    const [a, b, c] = data.embedText.map((e) => e.values) as [number[], number[], number[]];
    expect(a).toHaveLength(512);
    expect(Math.hypot(...a)).toBeCloseTo(1, 4);
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c) + 0.2);
  });

  it("happy: the same text embeds the same alone or in a batch with longer texts (padding does not leak)", async () => {
    const alone = await consumer.client.request<Embedded>(EMBED, { model: encoder, inputs: ["short text"] });
    const batch = await consumer.client.request<Embedded>(EMBED, {
      model: encoder,
      inputs: ["a much longer sentence that pads the batch to many more pieces than the short one", "short text"],
    });
    const diff = Math.max(
      ...(alone.embedText[0]?.values ?? []).map((v, i) => Math.abs(v - (batch.embedText[1]?.values[i] ?? 0))),
    );
    expect(diff).toBeLessThan(1e-5);
  });

  it("happy: base64 is the same vector as little-endian float32 bytes, with its dimensions", async () => {
    const data = await consumer.client.request<{
      embedText: { values: number[]; base64: string; dimensions: number }[];
    }>(
      `mutation($model: String!, $inputs: [String!]!) { embedText(model: $model, inputs: $inputs) { values base64 dimensions } }`,
      { model: encoder, inputs: ["compact vectors", "travel as bytes"] },
    );
    for (const row of data.embedText) {
      const bytes = Buffer.from(row.base64, "base64");
      expect(bytes.length).toBe(4 * row.dimensions);
      const floats = new Float32Array(bytes.buffer, bytes.byteOffset, row.dimensions);
      expect(row.dimensions).toBe(512);
      // The floats are the float32 values themselves, not a lossy rendering of them.
      expect([...floats]).toEqual(row.values.map((v) => Math.fround(v)));
    }
  });

  it("error: an unknown version is NOT_FOUND", async () => {
    const { body } = await consumer.client.raw(EMBED, { model: encoder, inputs: ["hi"], version: "9.9.9" });
    expect(errorCode(body)).toBe("NOT_FOUND");
  });
});
