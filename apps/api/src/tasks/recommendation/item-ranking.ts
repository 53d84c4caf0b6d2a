import { badInput } from "@modelmarket/domain";
import type { WireTensor } from "../../infra/inference-client";

const MAX_K = 100;
const MAX_EXCLUDE = 10_000;

/** What recommend and similarItems both refuse before anything runs: k out of 1..100, too many exclusions. */
export function checkRankingInput(input: { k: number; exclude?: string[] | null }): void {
  if (!Number.isInteger(input.k) || input.k < 1 || input.k > MAX_K) throw badInput(`\`k\` must be 1 to ${MAX_K}.`, "k");
  if ((input.exclude?.length ?? 0) > MAX_EXCLUDE)
    throw badInput(`At most ${MAX_EXCLUDE} ids in \`exclude\`.`, "exclude");
}

/** The mask a ranking graph takes (1 = never return) and how many items can still be returned, at most k. */
export function excludeMask(items: string[], excluded: Set<string>, k: number): { mask: number[]; k: number } {
  const mask = items.map((id) => (excluded.has(id) ? 1 : 0));
  return { mask, k: Math.min(k, items.length - mask.filter(Boolean).length) };
}

/** A ranking graph's top_scores / top_items as item ids with their scores, best first. */
export function rankedItems(outputs: WireTensor[], items: string[]): { itemId: string; score: number }[] {
  const scores = outputs.find((o) => o.name === "top_scores")?.data as number[] | undefined;
  const indices = outputs.find((o) => o.name === "top_items")?.data as number[] | undefined;
  if (!scores || !indices) throw new Error("ranking graph returned no top_scores/top_items");
  return indices.map((index, i) => ({ itemId: items[index] as string, score: scores[i] as number }));
}
