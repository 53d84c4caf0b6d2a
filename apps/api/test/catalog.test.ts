import { buildOnnxModel } from "@modelmarket/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyClient,
  errorCode,
  FREE_PLAN,
  publishTinyModel,
  signUpTenant,
  startTestApi,
  type TestApi,
  tinyOnnx,
  tinyTextModel,
  uploadTextAssets,
} from "./harness";

const PUBLISH = `mutation($input: PublishModelInput!) {
  publishModel(input: $input) {
    id slug name description task visibility tags
    publisher { id slug name }
    latestVersion { id version sha256 sizeBytes createdAt signature evaluation }
    versions { version }
    plans { id name monthlyFeeCents includedUnits unitPriceMicros currency rateLimitPerMinute }
  }
}`;
const SEARCH = `query($query: String, $task: ModelTask, $first: Int, $after: String) {
  models(query: $query, task: $task, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { slug name task visibility } }
  }
}`;
const MODEL = `query($slug: String!) { model(slug: $slug) { slug visibility } }`;

type SearchResult = {
  models: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: { slug: string; name: string; task: string; visibility: string } }[];
  };
};

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

// The text assets uploaded with each model artifact, for publishInput.
const assetsOf = new Map<string, Record<string, string>>();

async function uploadModel(client: Awaited<ReturnType<typeof signUpTenant>>["client"]) {
  const res = await client.uploadArtifact(tinyTextModel());
  assetsOf.set(res.body.id as string, await uploadTextAssets(client));
  return res.body.id as string;
}

function publishInput(artifactId: string, overrides: Record<string, unknown> = {}) {
  return {
    assets: assetsOf.get(artifactId),
    name: "Support Ticket Router",
    description: "Routes support tickets to the right queue",
    task: "TEXT_CLASSIFICATION",
    artifactId,
    version: "1.0.0",
    tags: ["NLP", "support", "nlp"],
    plans: [FREE_PLAN, { ...FREE_PLAN, name: "Pro", monthlyFeeCents: 2500, unitPriceMicros: 150, currency: "EUR" }],
    ...overrides,
  };
}

describe("publishModel", () => {
  it("happy: creates the model, its first version with the ONNX signature, and its plans", async () => {
    const tenant = await signUpTenant(api, "Publisher");
    const artifactId = await uploadModel(tenant.client);
    const data = await tenant.client.request<{ publishModel: Record<string, any> }>(PUBLISH, {
      input: publishInput(artifactId),
    });
    const model = data.publishModel;
    expect(model.slug).toBe(`${tenant.tenantSlug}/support-ticket-router`);
    expect(model.visibility).toBe("PUBLIC");
    expect(model.tags).toEqual(["nlp", "support"]);
    expect(model.publisher.slug).toBe(tenant.tenantSlug);
    expect(model.latestVersion.version).toBe("1.0.0");
    expect(model.latestVersion.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(model.latestVersion.signature.inputs[0]).toEqual({
      name: "input_ids",
      elemType: "int64",
      shape: ["batch", "sequence"],
    });
    expect(model.latestVersion.evaluation).toBeNull();
    expect(model.versions).toHaveLength(1);
    expect(model.plans.map((p: { name: string; currency: string }) => [p.name, p.currency])).toEqual([
      ["Free", "usd"],
      ["Pro", "eur"],
    ]);
    const audit = await api.db.prisma.auditLog.findMany({
      where: { tenantId: tenant.tenantId, action: "model.published" },
    });
    expect(audit).toHaveLength(1);
  });

  it("happy: the model card (intended use, limitations, license, source) is stored and shown", async () => {
    const tenant = await signUpTenant(api);
    const artifactId = await uploadModel(tenant.client);
    const card = { intendedUse: "Routing tickets", limitations: "English only", license: "MIT", source: null };
    const published = await tenant.client.request<{ publishModel: { slug: string } }>(PUBLISH, {
      input: publishInput(artifactId, { card }),
    });
    const { model } = await tenant.client.request<{ model: { card: typeof card } }>(
      `query($s: String!) { model(slug: $s) { card { intendedUse limitations license source } } }`,
      { s: published.publishModel.slug },
    );
    expect(model.card).toEqual(card);
  });

  it("happy: structured metrics (name, value, unit, dataset, split) are stored as the publisher's, with the chosen headline", async () => {
    const tenant = await signUpTenant(api);
    const artifactId = await uploadModel(tenant.client);
    const metrics = [
      { name: "accuracy", value: 0.912, unit: "fraction", dataset: "support tickets (2,000)", split: "test" },
      { name: "p50 latency", value: 4.1, unit: "ms", dataset: "CPU, batch 1", higherIsBetter: false },
    ];
    const published = await tenant.client.request<{ publishModel: { slug: string } }>(PUBLISH, {
      input: publishInput(artifactId, { metrics, headlineMetric: "p50 latency" }),
    });
    const { model } = await tenant.client.request<{
      model: { latestVersion: { metrics: Record<string, unknown>[]; headlineMetric: { name: string } } };
    }>(
      `query($s: String!) { model(slug: $s) { latestVersion {
        metrics { name value unit dataset split description higherIsBetter source } headlineMetric { name } } } }`,
      { s: published.publishModel.slug },
    );
    expect(model.latestVersion.metrics).toEqual([
      { ...metrics[0], description: null, higherIsBetter: null, source: "PUBLISHER" },
      { ...metrics[1], split: null, description: null, source: "PUBLISHER" },
    ]);
    expect(model.latestVersion.headlineMetric.name).toBe("p50 latency");
  });

  it("error: malformed metrics are BAD_USER_INPUT naming metrics or headlineMetric; none is stored", async () => {
    const tenant = await signUpTenant(api);
    const artifactId = await uploadModel(tenant.client);
    const ok = { name: "accuracy", value: 0.9, unit: "fraction", dataset: "held-out" };
    const cases: [Record<string, unknown>, string][] = [
      [{ metrics: [{ ...ok, value: 91.2 }] }, "metrics"],
      [{ metrics: [ok, { ...ok, name: "Accuracy" }] }, "metrics"],
      [{ metrics: [{ ...ok, dataset: " " }] }, "metrics"],
      [{ metrics: [ok], headlineMetric: "f1" }, "headlineMetric"],
      [{ metrics: Array.from({ length: 31 }, (_, i) => ({ ...ok, name: `m${i}` })) }, "metrics"],
    ];
    for (const [override, field] of cases) {
      const { body } = await tenant.client.raw(PUBLISH, { input: publishInput(artifactId, override) });
      expect(errorCode(body), JSON.stringify(override).slice(0, 80)).toBe("BAD_USER_INPUT");
      const fields = body.errors?.[0]?.extensions?.fields as { field: string }[] | undefined;
      const named = fields ? fields.map((f) => f.field) : [body.errors?.[0]?.extensions?.field];
      expect(named.join(","), JSON.stringify(override).slice(0, 80)).toContain(field);
    }
    const { publishedModels } = await tenant.client.request<{ publishedModels: unknown[] }>(
      `{ publishedModels { model { slug } } }`,
    );
    expect(publishedModels).toEqual([]);
  });

  it("error: a second model with the same name is BAD_USER_INPUT", async () => {
    const tenant = await signUpTenant(api);
    const artifactId = await uploadModel(tenant.client);
    await tenant.client.request(PUBLISH, { input: publishInput(artifactId) });
    const { body } = await tenant.client.raw(PUBLISH, {
      input: publishInput(artifactId, { name: "support ticket ROUTER" }),
    });
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toContain("already publish");
  });

  it("error: invalid plans, version and tags are BAD_USER_INPUT with the field", async () => {
    const tenant = await signUpTenant(api);
    const artifactId = await uploadModel(tenant.client);
    const cases: [Record<string, unknown>, string][] = [
      [{ plans: [] }, "plans"],
      [{ plans: [{ ...FREE_PLAN, monthlyFeeCents: -1 }] }, "plans.0.monthlyFeeCents"],
      [{ plans: [{ ...FREE_PLAN, currency: "dollars" }] }, "plans.0.currency"],
      [{ plans: [FREE_PLAN, FREE_PLAN] }, "plans"],
      [{ version: "../1" }, "version"],
      [{ tags: ["has space"] }, "tags"],
      [{ assets: ["not", "an", "object"] }, "assets"],
      [{ card: { license: "x".repeat(201) } }, "card.license"],
    ];
    for (const [override, field] of cases) {
      const { body } = await tenant.client.raw(PUBLISH, { input: publishInput(artifactId, override) });
      expect(errorCode(body), JSON.stringify(override)).toBe("BAD_USER_INPUT");
      const fields = body.errors?.[0]?.extensions?.fields as { field: string }[] | undefined;
      const named = fields ? fields.map((f) => f.field) : [body.errors?.[0]?.extensions?.field];
      expect(named, JSON.stringify(override)).toContain(field);
    }
  });

  it("error: an asset artifact cannot be published as the model", async () => {
    const tenant = await signUpTenant(api);
    const asset = await tenant.client.uploadArtifact(new TextEncoder().encode("labels"), { kind: "asset" });
    const { body } = await tenant.client.raw(PUBLISH, { input: publishInput(asset.body.id as string) });
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
  });

  it("security: another tenant's artifact is NOT_FOUND", async () => {
    const owner = await signUpTenant(api);
    const thief = await signUpTenant(api);
    const artifactId = await uploadModel(owner.client);
    const { body } = await thief.client.raw(PUBLISH, { input: publishInput(artifactId) });
    expect(errorCode(body)).toBe("NOT_FOUND");
    const asset = await owner.client.uploadArtifact(new TextEncoder().encode("x"), { kind: "asset" });
    const own = await uploadModel(thief.client);
    const withAsset = await thief.client.raw(PUBLISH, {
      input: publishInput(own, { assets: { labels: asset.body.id } }),
    });
    expect(errorCode(withAsset.body)).toBe("NOT_FOUND");
  });

  it("security: a key needs models:write; anonymous callers are UNAUTHENTICATED", async () => {
    const tenant = await signUpTenant(api);
    const artifactId = await uploadModel(tenant.client);
    const { client } = await apiKeyClient(api, tenant, ["inference"]);
    expect(errorCode((await client.raw(PUBLISH, { input: publishInput(artifactId) })).body)).toBe("FORBIDDEN");
    expect(errorCode((await api.client.raw(PUBLISH, { input: publishInput(artifactId) })).body)).toBe(
      "UNAUTHENTICATED",
    );
  });

  it("security: a smuggled tenantId (argument, input field or header) has no effect", async () => {
    const victim = await signUpTenant(api);
    const attacker = await signUpTenant(api);
    const artifactId = await uploadModel(attacker.client);
    const input = { ...publishInput(artifactId), tenantId: victim.tenantId };
    const asField = await attacker.client.raw(PUBLISH, { input });
    expect(errorCode(asField.body)).toBe("BAD_USER_INPUT");
    const asArg = await attacker.client.raw(`{ models(tenantId: "${victim.tenantId}") { totalCount } }`);
    expect(errorCode(asArg.body)).toBe("BAD_USER_INPUT");
    const asHeader = await attacker.client.raw<{ publishModel: { publisher: { id: string } } }>(
      PUBLISH,
      { input: publishInput(artifactId) },
      { "x-tenant-id": victim.tenantId },
    );
    expect(asHeader.body.data?.publishModel.publisher.id).toBe(attacker.tenantId);
  });
});

describe("task conventions", () => {
  // Strings (a vocab.txt) are uploaded as they are, anything else as JSON.
  const json = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
  const imageModel = (classes: number, shape: number[] = [1, 3, 8, 8]) =>
    buildOnnxModel({
      inputs: [{ name: "pixels", elemType: "FLOAT", shape }],
      outputs: [{ name: "logits", elemType: "FLOAT", shape: [1, classes] }],
      nodes: [
        { opType: "GlobalAveragePool", inputs: ["pixels"], outputs: ["pooled"] },
        { opType: "Flatten", inputs: ["pooled"], outputs: ["logits"] },
      ],
    });
  const recommenderModel = (userType: "INT64" | "FLOAT" = "INT64") =>
    buildOnnxModel({
      inputs: [
        { name: "user_index", elemType: userType, shape: ["batch"] },
        { name: "exclude_mask", elemType: "FLOAT", shape: ["batch", 3] },
        { name: "k", elemType: "INT64", shape: [1] },
      ],
      outputs: [
        { name: "top_scores", elemType: "FLOAT", shape: ["batch", "k"] },
        { name: "top_items", elemType: "INT64", shape: ["batch", "k"] },
      ],
      nodes: [
        {
          opType: "TopK",
          inputs: ["exclude_mask", "k"],
          outputs: ["top_scores", "top_items"],
          attributes: [{ name: "axis", type: 2, i: -1 }],
        },
      ],
    });

  const TEXT_ASSETS = {
    vocab: "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello",
    preprocessing: { tokenizer: "wordpiece" },
    labels: ["a", "b", "c"],
  };

  /** A text-shaped model whose input_ids have the given type and rank. */
  const textModel = (type: "INT64" | "FLOAT", rank = 2) =>
    buildOnnxModel({
      inputs: [
        { name: "input_ids", elemType: type, shape: ["batch", "sequence", 1].slice(0, rank) },
        { name: "attention_mask", elemType: "INT64", shape: ["batch", "sequence"] },
      ],
      outputs: [{ name: "y", elemType: "INT64", shape: ["batch", "sequence"] }],
      nodes: [{ opType: "Identity", inputs: ["attention_mask"], outputs: ["y"] }],
    });

  async function publishWith(
    tenant: Awaited<ReturnType<typeof signUpTenant>>,
    task: string,
    model: Uint8Array,
    assets: Record<string, unknown> = {},
  ) {
    const artifactId = (await tenant.client.uploadArtifact(model)).body.id as string;
    const assetIds: Record<string, string> = {};
    for (const [role, value] of Object.entries(assets)) {
      assetIds[role] = (await tenant.client.uploadArtifact(json(value), { kind: "asset" })).body.id as string;
    }
    return tenant.client.raw(PUBLISH, {
      input: publishInput(artifactId, { name: `conv ${Math.random()}`, task, assets: assetIds }),
    });
  }

  it("happy: an image classifier with one label per class and a recommender with id maps are published", async () => {
    const tenant = await signUpTenant(api);
    const image = await publishWith(tenant, "IMAGE_CLASSIFICATION", imageModel(3), { labels: ["cat", "dog", "fox"] });
    expect(image.body.errors).toBeUndefined();
    const rec = await publishWith(tenant, "RECOMMENDATION", recommenderModel(), {
      users: ["u1"],
      items: ["a", "b", "c"],
    });
    expect(rec.body.errors).toBeUndefined();
  });

  it("error: a model that does not fit its declared task is BAD_USER_INPUT saying what does not fit", async () => {
    const tenant = await signUpTenant(api);
    const cases: [string, Uint8Array, Record<string, unknown>, RegExp][] = [
      ["IMAGE_CLASSIFICATION", tinyOnnx(), { labels: ["a", "b", "c"] }, /must have rank 4, not 2/],
      ["IMAGE_CLASSIFICATION", imageModel(3, [1, 5, 8, 8]), { labels: ["a", "b", "c"] }, /1 or 3 channels/],
      ["IMAGE_CLASSIFICATION", imageModel(3), { labels: ["a", "b"] }, /3 classes but the labels asset has 2/],
      ["IMAGE_CLASSIFICATION", imageModel(3), {}, /needs a "labels" asset/],
      ["IMAGE_CLASSIFICATION", imageModel(3), { labels: { not: "a list" } }, /must be a JSON array/],
      // A preset made for another graph: ImageNet's 3-channel normalisation on a 1-channel model.
      [
        "IMAGE_CLASSIFICATION",
        imageModel(3, [1, 1, 8, 8]),
        { labels: ["a", "b", "c"], preprocessing: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } },
        /preprocessing.mean has 3 values but input "\w+" has 1 channel/,
      ],
      [
        "IMAGE_CLASSIFICATION",
        imageModel(3, [1, 1, 8, 8]),
        { labels: ["a", "b", "c"], preprocessing: { channelOrder: "BGR" } },
        /"BGR" needs a 3-channel input/,
      ],
      ["RECOMMENDATION", tinyOnnx(), { users: [], items: [] }, /must take inputs user_index, exclude_mask and k/],
      ["RECOMMENDATION", recommenderModel("FLOAT"), { users: [], items: [] }, /"user_index".*must be int64, not float/],
      [
        "RECOMMENDATION",
        recommenderModel(),
        { users: ["u"], items: ["a"] },
        /covers 3 items but the items asset has 1/,
      ],
      ["TEXT_CLASSIFICATION", tinyOnnx(), TEXT_ASSETS, /must take inputs input_ids and attention_mask.*not x/],
      [
        "TEXT_CLASSIFICATION",
        textModel("FLOAT"),
        TEXT_ASSETS,
        /input "input_ids" \("input_ids"\) must be int64, not float/,
      ],
      [
        "TEXT_CLASSIFICATION",
        textModel("INT64", 3),
        TEXT_ASSETS,
        /input "input_ids" \("input_ids"\) must have rank 2, not 3/,
      ],
      [
        "TEXT_CLASSIFICATION",
        tinyTextModel(),
        { ...TEXT_ASSETS, preprocessing: undefined },
        /needs a "preprocessing" asset/,
      ],
      [
        "TEXT_CLASSIFICATION",
        tinyTextModel(),
        { ...TEXT_ASSETS, preprocessing: { tokenizer: "bpe" } },
        /preprocessing asset is invalid \(tokenizer: /,
      ],
      [
        "TEXT_CLASSIFICATION",
        tinyTextModel(),
        { ...TEXT_ASSETS, preprocessing: { tokenizer: "sentencepiece" } },
        /vocab asset does not fit tokenizer "sentencepiece"/,
      ],
      ["TEXT_CLASSIFICATION", tinyTextModel(4), TEXT_ASSETS, /4 classes but the labels asset has 3/],
      ["OBJECT_DETECTION", imageModel(3), { labels: ["a"] }, /first output \(detections\).*must have rank 3, not 2/],
      [
        "IMAGE_CLASSIFICATION",
        imageModel(3),
        { labels: ["a", "b", "c"], preprocessing: { mean: [0.5], std: [0] } },
        /std: std values must be positive/,
      ],
    ];
    for (const [task, model, assets, message] of cases) {
      const { body } = await publishWith(
        tenant,
        task,
        model,
        Object.fromEntries(Object.entries(assets).filter(([, v]) => v !== undefined)),
      );
      expect(errorCode(body), String(message)).toBe("BAD_USER_INPUT");
      expect(body.errors?.[0]?.message, String(message)).toMatch(message);
      expect(body.errors?.[0]?.extensions?.field).toBe("task");
    }
    expect(await api.db.prisma.model.count({ where: { publisherTenantId: tenant.tenantId } })).toBe(0);
  });
});

describe("models and model", () => {
  it("happy: text search over name, description and tags, with the task filter", async () => {
    const tenant = await signUpTenant(api);
    const word = `zebra${Date.now()}`;
    await publishTinyModel(tenant, { name: `${word} finder`, task: "TEXT_EMBEDDING" });
    await publishTinyModel(tenant, { description: `Finds every ${word.toUpperCase()} in text` });
    await publishTinyModel(tenant, { tags: [word, "fast"] });
    await publishTinyModel(tenant, { description: "unrelated" });

    const all = await api.client.request<SearchResult>(SEARCH, { query: word });
    expect(all.models.totalCount).toBe(3);
    const images = await api.client.request<SearchResult>(SEARCH, { query: word, task: "TEXT_EMBEDDING" });
    expect(images.models.edges.map((e) => e.node.name)).toEqual([`${word} finder`]);
    const twoWords = await api.client.request<SearchResult>(SEARCH, { query: `fast ${word}` });
    expect(twoWords.models.totalCount).toBe(1);
    const none = await api.client.request<SearchResult>(SEARCH, { query: `${word} nothing-matches-this` });
    expect(none.models.totalCount).toBe(0);
  });

  it("happy: cursor pagination visits every match exactly once, newest first", async () => {
    const tenant = await signUpTenant(api);
    const tag = `page${Date.now()}`;
    const published: string[] = [];
    for (let i = 0; i < 5; i++) published.push((await publishTinyModel(tenant, { tags: [tag] })).slug);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const data: SearchResult = await api.client.request<SearchResult>(SEARCH, { query: tag, first: 2, after });
      expect(data.models.totalCount).toBe(5);
      seen.push(...data.models.edges.map((e) => e.node.slug));
      if (!data.models.pageInfo.hasNextPage) break;
      after = data.models.pageInfo.endCursor;
    }
    expect(seen).toEqual([...published].reverse());
  });

  it("error: a bad cursor or page size is BAD_USER_INPUT", async () => {
    for (const variables of [{ after: "bm9wZQ" }, { first: 0 }, { first: 101 }, { query: "x".repeat(201) }]) {
      const { body } = await api.client.raw(SEARCH, variables);
      expect(errorCode(body), JSON.stringify(variables)).toBe("BAD_USER_INPUT");
    }
  });

  it("error: an unknown slug is NOT_FOUND", async () => {
    const { body } = await api.client.raw(MODEL, { slug: "nobody/nothing" });
    expect(errorCode(body)).toBe("NOT_FOUND");
    expect(body.data?.model).toBeNull();
  });

  it("security: a private model exists only for its publisher (NOT_FOUND everywhere else)", async () => {
    const owner = await signUpTenant(api);
    const other = await signUpTenant(api);
    const secretWord = `private${Date.now()}`;
    const model = await publishTinyModel(owner, { visibility: "PRIVATE", tags: [secretWord] });

    const mine = await owner.client.request<{ model: { visibility: string } }>(MODEL, { slug: model.slug });
    expect(mine.model.visibility).toBe("PRIVATE");
    const ownSearch = await owner.client.request<SearchResult>(SEARCH, { query: secretWord });
    expect(ownSearch.models.totalCount).toBe(1);

    for (const client of [other.client, api.client]) {
      const single = await client.raw(MODEL, { slug: model.slug });
      expect(errorCode(single.body)).toBe("NOT_FOUND");
      const missing = await client.raw(MODEL, { slug: `${owner.tenantSlug}/does-not-exist` });
      expect(single.body.errors?.[0]?.message.replace(model.slug, "X")).toBe(
        missing.body.errors?.[0]?.message.replace(`${owner.tenantSlug}/does-not-exist`, "X"),
      );
      const search = await client.request<SearchResult>(SEARCH, { query: secretWord });
      expect(search.models.totalCount).toBe(0);
    }
    const sub = await other.client.raw(`mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`, {
      m: model.slug,
      p: model.plans[0]?.id,
    });
    expect(errorCode(sub.body)).toBe("NOT_FOUND");
  });

  it("happy: a newly published model shows up in the catalog at once (cache invalidated)", async () => {
    const tenant = await signUpTenant(api);
    const tag = `fresh${Date.now()}`;
    const before = await api.client.request<SearchResult>(SEARCH, { query: tag });
    expect(before.models.totalCount).toBe(0);
    await publishTinyModel(tenant, { tags: [tag] });
    const after = await api.client.request<SearchResult>(SEARCH, { query: tag });
    expect(after.models.totalCount).toBe(1);
  });
});
