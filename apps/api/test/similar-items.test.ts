import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_MF, foodRecommender, loadFfqRatings, trainMf } from "@modelmarket/model-zoo";
import { buildOnnxModel } from "@modelmarket/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyClient,
  errorCode,
  publishBuiltModel,
  publishTinyModel,
  publishZooModelOverHttp,
  signUpTenant,
  startTestApi,
  subscribeTo,
  type TestApi,
  type TestTenant,
  usedUnits,
} from "./harness";

const SIMILAR = `mutation($model: String!, $itemId: String!, $k: Int, $exclude: [String!], $version: String) {
  similarItems(model: $model, itemId: $itemId, k: $k, exclude: $exclude, version: $version) { itemId score }
}`;
type Similar = { similarItems: { itemId: string; score: number }[] };

/** A recommender built here: users' and items' factors, the items' stored as rows ([items, 3]). */
const ITEMS = ["apple", "pear", "cherry", "kale", "spinach", "salt"];
const ITEM_FACTORS = [
  [1, 0, 0],
  [0.9, 0.1, 0],
  [0.7, 0.6, 0.1],
  [0.05, 1, 0],
  [0.1, 0.9, 0.3],
  [-0.2, 0.1, 1],
];
const USERS = ["u1", "u2"];

function recommenderWithRowFactors(itemFactors: number[][] = ITEM_FACTORS, name = "item_factors"): Uint8Array {
  return buildOnnxModel({
    inputs: [
      { name: "user_index", elemType: "INT64", shape: ["batch"] },
      // The item count left symbolic: the factors check alone must catch a misfit.
      { name: "exclude_mask", elemType: "FLOAT", shape: ["batch", "items"] },
      { name: "k", elemType: "INT64", shape: [1] },
    ],
    outputs: [
      { name: "top_scores", elemType: "FLOAT", shape: ["batch", "k"] },
      { name: "top_items", elemType: "INT64", shape: ["batch", "k"] },
    ],
    initializers: [
      { name: "user_factors", dims: [2, 3], floatData: [1, 0, 0, 0, 1, 0] },
      { name, dims: [itemFactors.length, 3], floatData: itemFactors.flat() },
      { name: "penalty", dims: [], floatData: [-1e9] },
    ],
    nodes: [
      { opType: "Gather", inputs: ["user_factors", "user_index"], outputs: ["pu"] },
      { opType: "Transpose", inputs: [name], outputs: ["qt"] },
      { opType: "MatMul", inputs: ["pu", "qt"], outputs: ["scores"] },
      { opType: "Mul", inputs: ["exclude_mask", "penalty"], outputs: ["masked_penalty"] },
      { opType: "Add", inputs: ["scores", "masked_penalty"], outputs: ["masked"] },
      {
        opType: "TopK",
        inputs: ["masked", "k"],
        outputs: ["top_scores", "top_items"],
        attributes: [{ name: "axis", type: 2, i: -1 }],
      },
    ],
  });
}

function publishRecommender(tenant: TestTenant, model: Uint8Array, items = ITEMS) {
  return publishBuiltModel(tenant, "RECOMMENDATION", model, { users: USERS, items });
}

/** Cosine similarity of two item rows, written out: the reference the platform must equal. */
function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

let api: TestApi;
let publisher: TestTenant;
let shop: TestTenant;
let consumer: Awaited<ReturnType<typeof apiKeyClient>>;
let built: string;
let food: string;
const data = loadFfqRatings();
const mf = trainMf(data.ratings, data.userIds.length, data.items.length, DEFAULT_MF);

beforeAll(async () => {
  api = await startTestApi({}, { inference: true });
  publisher = await signUpTenant(api, "Pantry");
  const published = await publishRecommender(publisher, recommenderWithRowFactors());
  expect(published.body.errors).toBeUndefined();
  built = published.body.data?.publishModel.slug as string;
  const zoo = await publishZooModelOverHttp(
    publisher,
    foodRecommender(fs.mkdtempSync(path.join(os.tmpdir(), "zoo-"))),
    { name: `food ${crypto.randomBytes(3).toString("hex")}` },
  );
  food = zoo.slug;
  shop = await signUpTenant(api, "Shop");
  await subscribeTo(shop, built, published.body.data?.publishModel.plans[0]?.id);
  await subscribeTo(shop, food, zoo.plans[0]?.id);
  consumer = await apiKeyClient(api, shop, ["inference"]);
});
afterAll(() => api?.close());

describe("similarItems", () => {
  it("happy: a model built in the test (factors as rows) answers the cosine ranking written out here, through the tier", async () => {
    // cos(apple, ·): pear 0.9939, cherry 0.7548, spinach 0.1048, kale 0.0499, salt -0.1952.
    const { body } = await consumer.client.raw<Similar>(SIMILAR, { model: built, itemId: "apple" });
    expect(body.errors).toBeUndefined();
    expect(body.extensions?.requestId).toMatch(/^req_/);
    const answer = body.data?.similarItems ?? [];
    expect(answer.map((s) => s.itemId)).toEqual(["pear", "cherry", "spinach", "kale", "salt"]);
    for (const { itemId, score } of answer) {
      const reference = cosine(ITEM_FACTORS[0] as number[], ITEM_FACTORS[ITEMS.indexOf(itemId)] as number[]);
      expect(score).toBeCloseTo(reference, 5);
    }
  });

  it("happy: the shipped food recommender (factors stored [factors, items]) equals the trained factors' ranking", async () => {
    const factors = DEFAULT_MF.factors;
    const row = (i: number) => mf.itemFactors.subarray(i * factors, (i + 1) * factors);
    for (const asked of [0, 7, 20]) {
      const reference = data.items
        .map((id, i) => ({ itemId: id, score: cosine(row(asked), row(i)) }))
        .filter((_, i) => i !== asked)
        .sort((a, b) => b.score - a.score)
        .slice(0, 5);
      const { similarItems } = await consumer.client.request<Similar>(SIMILAR, {
        model: food,
        itemId: data.items[asked],
        k: 5,
      });
      expect(similarItems.map((s) => s.itemId)).toEqual(reference.map((r) => r.itemId));
      for (const [i, s] of similarItems.entries()) expect(s.score).toBeCloseTo(reference[i]?.score as number, 5);
    }
  });

  it("happy: the item itself and excluded ids are never returned, k defaults to 10 and caps at what is left; one call is one unit", async () => {
    const before = await usedUnits(shop, built);
    const { similarItems } = await consumer.client.request<Similar>(SIMILAR, {
      model: built,
      itemId: "kale",
      exclude: ["spinach", "cherry"],
    });
    expect(similarItems.map((s) => s.itemId)).toEqual(["pear", "salt", "apple"]);
    const all = await consumer.client.request<Similar>(SIMILAR, {
      model: built,
      itemId: "kale",
      exclude: ITEMS.filter((i) => i !== "kale"),
    });
    expect(all.similarItems).toEqual([]);
    // The second asked for nothing that could be answered: refused before the model, not billed.
    expect(await usedUnits(shop, built)).toBe(before + 1);
  });

  it("error: an unknown item, k out of range, a task mismatch and a model without item factors each get BAD_USER_INPUT", async () => {
    for (const variables of [
      { model: built, itemId: "caviar" },
      { model: built, itemId: "apple", k: 0 },
      { model: built, itemId: "apple", k: 101 },
    ]) {
      expect(errorCode((await consumer.client.raw(SIMILAR, variables)).body), JSON.stringify(variables)).toBe(
        "BAD_USER_INPUT",
      );
    }
    const text = await publishTinyModel(publisher);
    const mismatch = await publisher.client.raw(SIMILAR, { model: text.slug, itemId: "x" });
    expect(mismatch.body.errors?.[0]?.message).toMatch(/needs a RECOMMENDATION model/);

    const unnamed = await publishRecommender(publisher, recommenderWithRowFactors(ITEM_FACTORS, "embeddings"));
    expect(unnamed.body.errors).toBeUndefined();
    const slug = unnamed.body.data?.publishModel.slug as string;
    const before = await usedUnits(publisher, slug);
    const { body } = await publisher.client.raw(SIMILAR, { model: slug, itemId: "apple" });
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/publishes no item factors.*item_factors/);
    // The same model still recommends.
    const recs = await publisher.client.raw(
      'mutation($m: String!) { recommend(model: $m, userId: "u1", k: 2) { itemId } }',
      { m: slug },
    );
    expect(recs.body.errors).toBeUndefined();
    expect(await usedUnits(publisher, slug)).toBe(before);
  });

  it("error: item factors that do not fit the items asset are refused at publish, naming the initializer", async () => {
    const { body } = await publishRecommender(
      publisher,
      recommenderWithRowFactors(ITEM_FACTORS.slice(0, 5)),
      ITEMS.slice(0, 5).concat("extra"),
    );
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/initializer "item_factors" holds 5 items but the items asset has 6/);
  });

  it("security: one Idempotency-Key with another item or exclude list is BAD_USER_INPUT; a stranger is FORBIDDEN", async () => {
    const key = { "idempotency-key": `sim-${Date.now()}` };
    const first = await consumer.client.raw<Similar>(SIMILAR, { model: built, itemId: "pear", k: 2 }, key);
    expect(first.body.errors).toBeUndefined();
    const again = await consumer.client.raw<Similar>(SIMILAR, { model: built, itemId: "pear", k: 2 }, key);
    expect(again.body.data?.similarItems).toEqual(first.body.data?.similarItems);
    for (const changed of [
      { itemId: "kale", k: 2 },
      { itemId: "pear", k: 2, exclude: ["apple"] },
    ]) {
      const res = await consumer.client.raw(SIMILAR, { model: built, ...changed }, key);
      expect(errorCode(res.body), JSON.stringify(changed)).toBe("BAD_USER_INPUT");
    }
    const stranger = await apiKeyClient(api, await signUpTenant(api), ["inference"]);
    expect(errorCode((await stranger.client.raw(SIMILAR, { model: built, itemId: "pear" })).body)).toBe("FORBIDDEN");
  });
});
