import { foodRecommender } from "./food-recommender/food-recommender";
import { mathSymbols } from "./math-symbols/math-symbols";
import type { ZooModel } from "./zoo-model";

export type { ZooModel, ZooPlan, ZooTask } from "./zoo-model";

/** A shipped model by name; `build` writes its files (training it where needed) under `outDir`. */
export interface ZooEntry {
  name: string;
  build(outDir: string): ZooModel | Promise<ZooModel>;
}

export const ZOO: ZooEntry[] = [
  { name: "math-symbols", build: mathSymbols },
  { name: "food-recommender", build: foodRecommender },
];

/** Every shipped model, built. */
export function zooModels(outDir: string): Promise<ZooModel[]> {
  return Promise.all(ZOO.map((entry) => entry.build(outDir)));
}
