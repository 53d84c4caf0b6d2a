import { buildOnnxModel } from "@modelmarket/onnx";
import type { MfModel } from "./matrix-factorization";

/** What the recommender graph takes and returns (see docs in food-recommender.ts). */
export const RECOMMENDER_IO = {
  user: "user_index",
  excludeMask: "exclude_mask",
  k: "k",
  scores: "top_scores",
  items: "top_items",
} as const;

const EXCLUDED_PENALTY = -1e9;

/**
 * The trained factors as an ONNX graph: Gather the user's factors and bias, MatMul with
 * the item factors, add the biases, push excluded items down, TopK. Batchable over users.
 *
 *   user_index int64 [batch]          exclude_mask float [batch, items] (1 = never recommend)
 *   k int64 [1]                       → top_scores float [batch, k], top_items int64 [batch, k]
 */
export function exportRecommenderOnnx(model: MfModel): Uint8Array {
  const { users, items, factors } = model;
  const itemFactorsT = new Array<number>(factors * items);
  for (let i = 0; i < items; i++) {
    for (let f = 0; f < factors; f++) itemFactorsT[f * items + i] = model.itemFactors[i * factors + f] as number;
  }
  return buildOnnxModel({
    producer: "modelmarket-model-zoo",
    inputs: [
      { name: RECOMMENDER_IO.user, elemType: "INT64", shape: ["batch"] },
      { name: RECOMMENDER_IO.excludeMask, elemType: "FLOAT", shape: ["batch", items] },
      { name: RECOMMENDER_IO.k, elemType: "INT64", shape: [1] },
    ],
    outputs: [
      { name: RECOMMENDER_IO.scores, elemType: "FLOAT", shape: ["batch", "k"] },
      { name: RECOMMENDER_IO.items, elemType: "INT64", shape: ["batch", "k"] },
    ],
    initializers: [
      { name: "user_factors", dims: [users, factors], floatData: [...model.userFactors] },
      { name: "item_factors_t", dims: [factors, items], floatData: itemFactorsT },
      { name: "user_bias", dims: [users], floatData: [...model.userBias] },
      // The global mean is folded into the item biases.
      { name: "item_bias", dims: [items], floatData: [...model.itemBias].map((b) => b + model.mean) },
      { name: "penalty", dims: [], floatData: [EXCLUDED_PENALTY] },
      { name: "axis_1", dims: [1], int64Data: [1] },
    ],
    nodes: [
      { opType: "Gather", inputs: ["user_factors", RECOMMENDER_IO.user], outputs: ["pu"] },
      { opType: "MatMul", inputs: ["pu", "item_factors_t"], outputs: ["dot"] },
      { opType: "Add", inputs: ["dot", "item_bias"], outputs: ["with_item_bias"] },
      { opType: "Gather", inputs: ["user_bias", RECOMMENDER_IO.user], outputs: ["bu"] },
      { opType: "Unsqueeze", inputs: ["bu", "axis_1"], outputs: ["bu_col"] },
      { opType: "Add", inputs: ["with_item_bias", "bu_col"], outputs: ["scores"] },
      { opType: "Mul", inputs: [RECOMMENDER_IO.excludeMask, "penalty"], outputs: ["masked_penalty"] },
      { opType: "Add", inputs: ["scores", "masked_penalty"], outputs: ["masked_scores"] },
      {
        opType: "TopK",
        inputs: ["masked_scores", RECOMMENDER_IO.k],
        outputs: [RECOMMENDER_IO.scores, RECOMMENDER_IO.items],
        attributes: [
          { name: "axis", type: 2, i: -1 },
          { name: "largest", type: 2, i: 1 },
          { name: "sorted", type: 2, i: 1 },
        ],
      },
    ],
  });
}
