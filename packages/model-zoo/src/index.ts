import { mathSymbols } from "./math-symbols";
import type { ZooModel } from "./zoo-model";

export type { ZooModel, ZooPlan, ZooTask } from "./zoo-model";

/** Every model the platform ships, with derived files (labels) written under `outDir`. */
export function zooModels(outDir: string): ZooModel[] {
  return [mathSymbols(outDir)];
}
