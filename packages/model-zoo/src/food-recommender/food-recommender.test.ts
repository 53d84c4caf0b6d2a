import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { exportRecommenderOnnx, RECOMMENDER_IO } from "./export-recommender-onnx";
import { loadFfqRatings } from "./ffq-ratings";
import { foodRecommender } from "./food-recommender";
import { DEFAULT_MF, predict, topItems, trainMf } from "./matrix-factorization";

const data = loadFfqRatings();
const users = data.userIds.length;
const items = data.items.length;

describe("food recommender", () => {
  it("happy: the survey is 54 respondents × 142 foods, nearly fully answered", () => {
    expect(users).toBe(54);
    expect(items).toBe(142);
    expect(data.ratings.length).toBeGreaterThan(7000);
    expect(data.items).toContain("eggs");
  });

  it("happy: held-out RMSE beats both the global-mean and the item-mean baselines; synthetic recall@10 beats popularity", () => {
    const { evaluation } = foodRecommender(fs.mkdtempSync(path.join(os.tmpdir(), "zoo-")));
    expect(evaluation.heldOutRatings).toBeGreaterThan(1000);
    expect(evaluation.rmse).toBeLessThan(evaluation.rmseItemMean);
    expect(evaluation.rmse).toBeLessThan(evaluation.rmseGlobalMean);
    expect(evaluation.syntheticRecallAt10).toBeGreaterThan(0.8);
    expect(evaluation.syntheticRecallAt10).toBeGreaterThan(evaluation.syntheticPopularityRecallAt10 * 2);
  });

  it("happy: training is deterministic: two builds write the same bytes", () => {
    const hash = (dir: string) => {
      const model = foodRecommender(dir);
      return crypto.createHash("sha256").update(fs.readFileSync(model.modelPath)).digest("hex");
    };
    expect(hash(fs.mkdtempSync(path.join(os.tmpdir(), "zoo-a-")))).toBe(
      hash(fs.mkdtempSync(path.join(os.tmpdir(), "zoo-b-"))),
    );
  });

  it("happy: the ONNX graph run by onnxruntime ranks exactly like the trained model, and never returns excluded items", async () => {
    const model = trainMf(data.ratings, users, items, DEFAULT_MF);
    const session = await ort.InferenceSession.create(Buffer.from(exportRecommenderOnnx(model)));
    const batch = [0, 17, 53];
    const excluded = new Set([topItems(model, 17, 1)[0] as number, 5, 6]);
    const mask = new Float32Array(batch.length * items);
    for (const item of excluded) mask[1 * items + item] = 1;
    const k = 10;
    const out = await session.run({
      [RECOMMENDER_IO.user]: new ort.Tensor("int64", BigInt64Array.from(batch.map(BigInt)), [batch.length]),
      [RECOMMENDER_IO.excludeMask]: new ort.Tensor("float32", mask, [batch.length, items]),
      [RECOMMENDER_IO.k]: new ort.Tensor("int64", BigInt64Array.from([BigInt(k)]), [1]),
    });
    const topIds = out[RECOMMENDER_IO.items]?.data as BigInt64Array;
    const topScores = out[RECOMMENDER_IO.scores]?.data as Float32Array;
    batch.forEach((user, row) => {
      const ids = Array.from(topIds.slice(row * k, (row + 1) * k), Number);
      expect(ids).toEqual(topItems(model, user, k, row === 1 ? excluded : new Set()));
      ids.forEach((item, j) => {
        expect(topScores[row * k + j]).toBeCloseTo(predict(model, user, item), 4);
      });
    });
    await session.release();
  });
});
