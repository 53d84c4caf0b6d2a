import { seededRandom, shuffled } from "../seeded-random";
import type { Rating } from "./ffq-ratings";

export interface MfOptions {
  factors: number;
  epochs: number;
  learningRate: number;
  regularization: number;
  seed: number;
}

/**
 * Chosen by a grid search (factors 2/4/8, L2 0.05–0.4, 40–160 epochs, rate 0.005/0.01) on a
 * validation split carved from the training ratings only; the held-out test ratings played
 * no part. Few epochs at a low rate act as early stopping on this small survey.
 */
export const DEFAULT_MF: MfOptions = { factors: 8, epochs: 40, learningRate: 0.005, regularization: 0.05, seed: 7 };

/** r̂(u, i) = μ + b_u + b_i + p_u · q_i */
export interface MfModel {
  users: number;
  items: number;
  factors: number;
  mean: number;
  userBias: Float32Array;
  itemBias: Float32Array;
  /** users × factors, row-major */
  userFactors: Float32Array;
  /** items × factors, row-major */
  itemFactors: Float32Array;
}

/** Biased matrix factorisation by stochastic gradient descent (Funk / Koren), seeded. */
export function trainMf(
  ratings: readonly Rating[],
  users: number,
  items: number,
  options: MfOptions = DEFAULT_MF,
): MfModel {
  const { factors, epochs, learningRate: lr, regularization: reg, seed } = options;
  const random = seededRandom(seed);
  const init = () => (random() - 0.5) * 0.1;
  const model: MfModel = {
    users,
    items,
    factors,
    mean: ratings.reduce((s, r) => s + r.value, 0) / Math.max(1, ratings.length),
    userBias: new Float32Array(users),
    itemBias: new Float32Array(items),
    userFactors: Float32Array.from({ length: users * factors }, init),
    itemFactors: Float32Array.from({ length: items * factors }, init),
  };
  let order = [...ratings];
  for (let epoch = 0; epoch < epochs; epoch++) {
    order = shuffled(order, random);
    for (const { user, item, value } of order) {
      const error = value - predict(model, user, item);
      model.userBias[user] = (model.userBias[user] as number) + lr * (error - reg * (model.userBias[user] as number));
      model.itemBias[item] = (model.itemBias[item] as number) + lr * (error - reg * (model.itemBias[item] as number));
      const pu = user * factors;
      const qi = item * factors;
      for (let f = 0; f < factors; f++) {
        const p = model.userFactors[pu + f] as number;
        const q = model.itemFactors[qi + f] as number;
        model.userFactors[pu + f] = p + lr * (error * q - reg * p);
        model.itemFactors[qi + f] = q + lr * (error * p - reg * q);
      }
    }
  }
  return model;
}

export function predict(model: MfModel, user: number, item: number): number {
  let dot = 0;
  const pu = user * model.factors;
  const qi = item * model.factors;
  for (let f = 0; f < model.factors; f++)
    dot += (model.userFactors[pu + f] as number) * (model.itemFactors[qi + f] as number);
  return model.mean + (model.userBias[user] as number) + (model.itemBias[item] as number) + dot;
}

/** Items by descending predicted score for a user, without the excluded ones. */
export function topItems(model: MfModel, user: number, k: number, exclude: ReadonlySet<number> = new Set()): number[] {
  const scored: [number, number][] = [];
  for (let item = 0; item < model.items; item++)
    if (!exclude.has(item)) scored.push([item, predict(model, user, item)]);
  return scored
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([item]) => item);
}
