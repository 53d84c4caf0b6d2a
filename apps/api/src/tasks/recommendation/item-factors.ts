import { Readable } from "node:stream";
import { buildOnnxModel, type FloatTensor } from "@modelmarket/onnx";

/**
 * Where a RECOMMENDATION model's item factors come from (docs/publishing.md, "Similar items"):
 * a float initializer of the graph named `item_factors` ([items, factors]) or `item_factors_t`
 * ([factors, items], the layout a MatMul of user factors by item factors wants). Matrix
 * factorisation, two-tower and embedding-bag recommenders all hold such a matrix; naming it is
 * the whole convention.
 */
export const ITEM_FACTOR_NAMES = { rows: "item_factors", columns: "item_factors_t" } as const;

/** The item factors as rows ([items, factors]), or why the tensor does not fit `itemCount` items. */
export function itemFactorRows(
  tensor: FloatTensor,
  itemCount: number,
): { rows: Float32Array; factors: number } | { misfit: string } {
  const transposed = tensor.name === ITEM_FACTOR_NAMES.columns;
  const [a, b] = tensor.dims;
  const items = transposed ? b : a;
  const factors = transposed ? a : b;
  if (tensor.dims.length !== 2 || !items || !factors) {
    return { misfit: `initializer "${tensor.name}" must be a matrix, not [${tensor.dims.join(", ")}]` };
  }
  if (items !== itemCount) {
    return { misfit: `initializer "${tensor.name}" holds ${items} items but the items asset has ${itemCount}` };
  }
  if (!transposed) return { rows: tensor.data, factors };
  const rows = new Float32Array(items * factors);
  for (let f = 0; f < factors; f++) {
    for (let i = 0; i < items; i++) rows[i * factors + f] = tensor.data[f * items + i] as number;
  }
  return { rows, factors };
}

export const SIMILARITY_IO = {
  item: "item_index",
  excludeMask: "exclude_mask",
  k: "k",
  scores: "top_scores",
  items: "top_items",
} as const;

/**
 * The graph that answers similarItems, derived from the item factors: each item's factors
 * scaled to unit length (so a dot product is the cosine), stored [factors, items]; Gather the
 * asked item's column, MatMul against all, push excluded items down, TopK. It runs in the
 * tenant's worker like the model itself. Deterministic: the same factors give the same bytes
 * (and so the same content address on every API instance).
 *
 *   item_index int64 [1], exclude_mask float [1, items], k int64 [1]
 *   → top_scores float [1, k] (cosine), top_items int64 [1, k]
 */
export function buildSimilarityGraph(rows: Float32Array, factors: number): Uint8Array {
  const items = rows.length / factors;
  const unitT = new Array<number>(rows.length);
  for (let i = 0; i < items; i++) {
    let norm = 0;
    for (let f = 0; f < factors; f++) norm += (rows[i * factors + f] as number) ** 2;
    // An item without factors (never rated) is similar to nothing: cosine 0 with all.
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let f = 0; f < factors; f++) unitT[f * items + i] = (rows[i * factors + f] as number) * scale;
  }
  return buildOnnxModel({
    producer: "modelmarket-similar-items",
    inputs: [
      { name: SIMILARITY_IO.item, elemType: "INT64", shape: [1] },
      { name: SIMILARITY_IO.excludeMask, elemType: "FLOAT", shape: [1, items] },
      { name: SIMILARITY_IO.k, elemType: "INT64", shape: [1] },
    ],
    outputs: [
      { name: SIMILARITY_IO.scores, elemType: "FLOAT", shape: [1, "k"] },
      { name: SIMILARITY_IO.items, elemType: "INT64", shape: [1, "k"] },
    ],
    initializers: [
      { name: "unit_factors_t", dims: [factors, items], floatData: unitT },
      { name: "penalty", dims: [], floatData: [-1e9] },
    ],
    nodes: [
      {
        opType: "Gather",
        inputs: ["unit_factors_t", SIMILARITY_IO.item],
        outputs: ["asked_column"],
        attributes: [{ name: "axis", type: 2, i: 1 }],
      },
      { opType: "Transpose", inputs: ["asked_column"], outputs: ["asked_row"] },
      { opType: "MatMul", inputs: ["asked_row", "unit_factors_t"], outputs: ["cosine"] },
      { opType: "Mul", inputs: [SIMILARITY_IO.excludeMask, "penalty"], outputs: ["masked_penalty"] },
      { opType: "Add", inputs: ["cosine", "masked_penalty"], outputs: ["masked_cosine"] },
      {
        opType: "TopK",
        inputs: ["masked_cosine", SIMILARITY_IO.k],
        outputs: [SIMILARITY_IO.scores, SIMILARITY_IO.items],
        attributes: [
          { name: "axis", type: 2, i: -1 },
          { name: "largest", type: 2, i: 1 },
          { name: "sorted", type: 2, i: 1 },
        ],
      },
    ],
  });
}

/** The graph's bytes as a stream for the artifact store. */
export const streamOf = (bytes: Uint8Array) => Readable.from([Buffer.from(bytes)]);
