import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_MF, foodRecommender, loadFfqRatings, topItems, trainMf } from "@modelmarket/model-zoo";
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
} from "./harness";

const RECOMMEND = `mutation($model: String!, $userId: String!, $k: Int, $exclude: [String!], $version: String) {
  recommend(model: $model, userId: $userId, k: $k, exclude: $exclude, version: $version) { itemId score }
}`;

let api: TestApi;
let slug: string;
let consumer: Awaited<ReturnType<typeof apiKeyClient>>;
let publisherClient: Awaited<ReturnType<typeof signUpTenant>>;
const data = loadFfqRatings();
const model = trainMf(data.ratings, data.userIds.length, data.items.length, DEFAULT_MF);

beforeAll(async () => {
  api = await startTestApi({}, { inference: true });
  const publisher = await signUpTenant(api, "Food");
  publisherClient = publisher;
  const published = await publishZooModelOverHttp(
    publisher,
    foodRecommender(fs.mkdtempSync(path.join(os.tmpdir(), "zoo-"))),
    { name: "food" },
  );
  slug = published.slug;
  const tenant = await signUpTenant(api, "Diner");
  await subscribeTo(tenant, slug, published.plans[0]?.id);
  consumer = await apiKeyClient(api, tenant, ["inference"]);
});
afterAll(() => api?.close());

type Recs = { recommend: { itemId: string; score: number }[] };

describe("recommend", () => {
  it("security: one Idempotency-Key with a different userId, k or exclude is BAD_USER_INPUT, not the first answer", async () => {
    const key = { "idempotency-key": `rec-${Date.now()}` };
    const first = await consumer.client.raw<Recs>(RECOMMEND, { model: slug, userId: data.userIds[1], k: 3 }, key);
    expect(first.body.errors).toBeUndefined();
    const same = await consumer.client.raw<Recs>(RECOMMEND, { model: slug, userId: data.userIds[1], k: 3 }, key);
    expect(same.body.data?.recommend).toEqual(first.body.data?.recommend);
    for (const changed of [
      { userId: data.userIds[2], k: 3 },
      { userId: data.userIds[1], k: 4 },
      { userId: data.userIds[1], k: 3, exclude: [first.body.data?.recommend[0]?.itemId] },
    ]) {
      const res = await consumer.client.raw<Recs>(RECOMMEND, { model: slug, ...changed }, key);
      expect(errorCode(res.body), JSON.stringify(changed)).toBe("BAD_USER_INPUT");
    }
  });

  it("security: the playground's user ids are shown to subscribers and the publisher only", async () => {
    const USER_IDS = `query($s: String!) { model(slug: $s) { playgroundUserIds } }`;
    type Ids = { model: { playgroundUserIds: string[] } };
    const subscriber = await consumer.client.request<Ids>(USER_IDS, { s: slug });
    expect(subscriber.model.playgroundUserIds).toEqual(data.userIds.slice(0, 25).map(String));
    const own = await publisherClient.client.request<Ids>(USER_IDS, { s: slug });
    expect(own.model.playgroundUserIds).toHaveLength(25);
    const stranger = await signUpTenant(api, "Stranger");
    expect((await stranger.client.request<Ids>(USER_IDS, { s: slug })).model.playgroundUserIds).toEqual([]);
    expect((await api.client.request<Ids>(USER_IDS, { s: slug })).model.playgroundUserIds).toEqual([]);
  });

  it("security: a caller-dependent field is never served from the catalog response cache", async () => {
    const USER_IDS = `query($s: String!) { model(slug: $s) { slug playgroundUserIds } }`;
    type Ids = { model: { playgroundUserIds: string[] } };
    const newcomer = await signUpTenant(api, "Newcomer");
    expect((await newcomer.client.request<Ids>(USER_IDS, { s: slug })).model.playgroundUserIds).toEqual([]);
    const models = await api.client.request<{ model: { plans: { id: string }[] } }>(
      `query($s: String!) { model(slug: $s) { plans { id } } }`,
      { s: slug },
    );
    await subscribeTo(newcomer, slug, models.model.plans[0]?.id);
    // The same query text right after subscribing: the answer follows the subscription.
    expect((await newcomer.client.request<Ids>(USER_IDS, { s: slug })).model.playgroundUserIds).toHaveLength(25);
  });

  it("happy: returns the trained model's top-k for the user, best first, through the inference tier", async () => {
    const user = 5;
    const { body } = await consumer.client.raw<Recs>(RECOMMEND, { model: slug, userId: data.userIds[user], k: 5 });
    expect(body.errors).toBeUndefined();
    expect(body.extensions?.requestId).toMatch(/^req_/);
    const recs = body.data?.recommend ?? [];
    expect(recs.map((r) => r.itemId)).toEqual(topItems(model, user, 5).map((i) => data.items[i]));
    expect([...recs].sort((a, b) => b.score - a.score)).toEqual(recs);
  });

  it("happy: excluded items are never returned, and k defaults to 10", async () => {
    const user = 9;
    const best = topItems(model, user, 3).map((i) => data.items[i] as string);
    const { recommend } = await consumer.client.request<Recs>(RECOMMEND, {
      model: slug,
      userId: data.userIds[user],
      exclude: best,
    });
    expect(recommend).toHaveLength(10);
    expect(recommend.some((r) => best.includes(r.itemId))).toBe(false);
    const excludedIdx = new Set(best.map((b) => data.items.indexOf(b)));
    expect(recommend.map((r) => r.itemId)).toEqual(topItems(model, user, 10, excludedIdx).map((i) => data.items[i]));
  });

  it("error: unknown user, k out of range, unknown version or model each get their code", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ model: slug, userId: "nobody" }, "BAD_USER_INPUT"],
      [{ model: slug, userId: data.userIds[0], k: 0 }, "BAD_USER_INPUT"],
      [{ model: slug, userId: data.userIds[0], k: 101 }, "BAD_USER_INPUT"],
      [{ model: slug, userId: data.userIds[0], version: "9.9.9" }, "NOT_FOUND"],
      [{ model: "nobody/nothing", userId: data.userIds[0] }, "NOT_FOUND"],
    ];
    for (const [variables, code] of cases) {
      expect(errorCode((await consumer.client.raw(RECOMMEND, variables)).body), JSON.stringify(variables)).toBe(code);
    }
  });

  it("error: a task mismatch is BAD_USER_INPUT naming both tasks", async () => {
    const owner = await signUpTenant(api);
    const text = await publishTinyModel(owner);
    const { body } = await owner.client.raw(RECOMMEND, { model: text.slug, userId: "x" });
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/needs a RECOMMENDATION model; .* is TEXT_CLASSIFICATION/);
  });

  it("security: no subscription is FORBIDDEN naming the model; a key without the inference scope is FORBIDDEN", async () => {
    const stranger = await signUpTenant(api);
    const key = await apiKeyClient(api, stranger, ["inference"]);
    const { body } = await key.client.raw(RECOMMEND, { model: slug, userId: data.userIds[0] });
    expect(errorCode(body)).toBe("FORBIDDEN");
    expect(body.errors?.[0]?.message).toContain(slug);
    const billingOnly = await apiKeyClient(api, stranger, ["billing:read"]);
    expect(errorCode((await billingOnly.client.raw(RECOMMEND, { model: slug, userId: data.userIds[0] })).body)).toBe(
      "FORBIDDEN",
    );
    expect(errorCode((await api.client.raw(RECOMMEND, { model: slug, userId: data.userIds[0] })).body)).toBe(
      "UNAUTHENTICATED",
    );
  });
});

describe("recommend without the inference tier", () => {
  it("error: an unreachable tier is UNAVAILABLE with a retry hint, not an internal error", async () => {
    const lonely = await startTestApi({ INFERENCE_URL: "http://127.0.0.1:9" });
    try {
      const owner = await signUpTenant(lonely);
      const pub = await publishZooModelOverHttp(owner, foodRecommender(fs.mkdtempSync(path.join(os.tmpdir(), "zoo-"))));
      await subscribeTo(owner, pub.slug, pub.plans[0]?.id);
      const { body } = await owner.client.raw(RECOMMEND, { model: pub.slug, userId: data.userIds[0] });
      expect(errorCode(body)).toBe("UNAVAILABLE");
      expect(body.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
    } finally {
      await lonely.close();
    }
  });
});
