import { seededRandom, shuffled } from "../seeded-random";
import type { Rating } from "./ffq-ratings";
import { DEFAULT_MF, type MfOptions, predict, topItems, trainMf } from "./matrix-factorization";

export type RecommenderEvaluation = {
  /** RMSE on ratings held out of training (20%, seeded split). */
  rmse: number;
  rmseGlobalMean: number;
  rmseItemMean: number;
  heldOutRatings: number;
  /** On synthetic data with known latent factors: share of each user's true top 10 found in the model's top 10. */
  syntheticRecallAt10: number;
  syntheticPopularityRecallAt10: number;
};

const rmseOf = (errors: number[]) => Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);

/** Held-out RMSE of the model against the global-mean and item-mean baselines. */
export function heldOutRmse(
  ratings: readonly Rating[],
  users: number,
  items: number,
  options: MfOptions = DEFAULT_MF,
  testShare = 0.2,
) {
  const order = shuffled(ratings, seededRandom(options.seed + 1));
  const cut = Math.round(order.length * (1 - testShare));
  const train = order.slice(0, cut);
  const test = order.slice(cut);
  const model = trainMf(train, users, items, options);
  const globalMean = train.reduce((s, r) => s + r.value, 0) / train.length;
  const sums = new Float64Array(items);
  const counts = new Float64Array(items);
  for (const r of train) {
    sums[r.item] = (sums[r.item] as number) + r.value;
    counts[r.item] = (counts[r.item] as number) + 1;
  }
  const itemMean = (i: number) =>
    (counts[i] as number) > 0 ? (sums[i] as number) / (counts[i] as number) : globalMean;
  return {
    rmse: rmseOf(test.map((r) => r.value - predict(model, r.user, r.item))),
    rmseGlobalMean: rmseOf(test.map((r) => r.value - globalMean)),
    rmseItemMean: rmseOf(test.map((r) => r.value - itemMean(r.item))),
    heldOutRatings: test.length,
  };
}

/**
 * Recall@10 where the truth is known: ratings generated from random latent factors plus
 * noise, 60% observed; for each user, the 10 best unobserved items by true score are the
 * relevant set, and the model ranks the unobserved items.
 */
export function syntheticRecallAt10(seed = 11) {
  const random = seededRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const users = 200;
  const items = 150;
  const rank = 4;
  const U = Array.from({ length: users * rank }, gaussian);
  const V = Array.from({ length: items * rank }, gaussian);
  const itemPopularity = Array.from({ length: items }, () => gaussian() * 0.5);
  const truth = (u: number, i: number) => {
    let dot = 0;
    for (let f = 0; f < rank; f++) dot += (U[u * rank + f] as number) * (V[i * rank + f] as number);
    return 5 + dot + (itemPopularity[i] as number);
  };
  const observed: Rating[] = [];
  const hidden: number[][] = Array.from({ length: users }, () => []);
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < items; i++) {
      if (random() < 0.6) observed.push({ user: u, item: i, value: truth(u, i) + gaussian() * 0.5 });
      else hidden[u]?.push(i);
    }
  }
  const model = trainMf(observed, users, items, { ...DEFAULT_MF, factors: 8, epochs: 60, seed });
  const counts = new Float64Array(items);
  const sums = new Float64Array(items);
  for (const r of observed) {
    sums[r.item] = (sums[r.item] as number) + r.value;
    counts[r.item] = (counts[r.item] as number) + 1;
  }
  const popularity = Array.from({ length: items }, (_, i) => (sums[i] as number) / Math.max(1, counts[i] as number));
  let modelHits = 0;
  let popularHits = 0;
  let relevantTotal = 0;
  for (let u = 0; u < users; u++) {
    const candidates = hidden[u] ?? [];
    if (candidates.length < 10) continue;
    const relevant = new Set([...candidates].sort((a, b) => truth(u, b) - truth(u, a)).slice(0, 10));
    const excluded = new Set(Array.from({ length: items }, (_, i) => i).filter((i) => !candidates.includes(i)));
    for (const i of topItems(model, u, 10, excluded)) if (relevant.has(i)) modelHits++;
    for (const i of [...candidates]
      .sort((a, b) => (popularity[b] as number) - (popularity[a] as number))
      .slice(0, 10)) {
      if (relevant.has(i)) popularHits++;
    }
    relevantTotal += relevant.size;
  }
  return { syntheticRecallAt10: modelHits / relevantTotal, syntheticPopularityRecallAt10: popularHits / relevantTotal };
}
