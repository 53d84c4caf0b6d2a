import fs from "node:fs/promises";
import { badInput } from "@modelmarket/domain";
import { readFloatInitializer } from "@modelmarket/onnx";
import type { Principal } from "../../auth/principal";
import { billedCall } from "../../metering/billed-call";
import type { AppServices } from "../../services";
import { readListAsset } from "../support/read-json-asset";
import { resolveCallableVersion } from "../support/resolve-callable-version";
import { buildSimilarityGraph, ITEM_FACTOR_NAMES, itemFactorRows, SIMILARITY_IO, streamOf } from "./item-factors";
import { checkRankingInput, excludeMask, rankedItems } from "./item-ranking";

/**
 * The k items most like one item ("people who eat X also eat"), by the cosine of the model's
 * item factors (convention: item-factors.ts, docs/publishing.md). The item itself and the
 * `exclude` ids are never returned. One call is one billed unit, like `recommend`.
 */
export async function similarItems(
  services: AppServices,
  caller: Principal | null,
  input: { model: string; itemId: string; k: number; exclude?: string[] | null; version?: string | null },
) {
  checkRankingInput(input);
  const callable = await resolveCallableVersion(
    services,
    caller,
    input.model,
    "RECOMMENDATION",
    "similarItems",
    input.version,
  );
  const { principal, version } = callable;
  const items = (await readListAsset(services, version.assets, "items")).map(String);
  const asked = items.indexOf(input.itemId);
  if (asked < 0) throw badInput(`Item "${input.itemId}" is not known to this model.`, "itemId");
  const graph = await similarityGraph(services, version.sha256, items.length);
  if (!graph) {
    throw badInput(
      `"${callable.model.slug}" ${version.version} publishes no item factors, so it cannot answer similarItems ` +
        `(the publisher names them ${ITEM_FACTOR_NAMES.rows} or ${ITEM_FACTOR_NAMES.columns}: docs/publishing.md).`,
      "model",
    );
  }
  const excluded = new Set([...(input.exclude ?? []), input.itemId]);
  const { mask, k } = excludeMask(items, excluded, input.k);
  if (k <= 0) return [];
  const outputs = await billedCall(
    services,
    callable,
    1,
    () =>
      services.inference.infer(
        principal.tenantId,
        graph,
        [
          { name: SIMILARITY_IO.item, datatype: "INT64", shape: [1], data: [asked] },
          { name: SIMILARITY_IO.excludeMask, datatype: "FP32", shape: [1, items.length], data: mask },
          { name: SIMILARITY_IO.k, datatype: "INT64", shape: [1], data: [k] },
        ],
        { weight: callable.weight },
      ),
    // A retry with the same Idempotency-Key must ask the same question.
    { similarTo: input.itemId, k: input.k, exclude: [...excluded].sort() },
  );
  return rankedItems(outputs, items);
}

/**
 * The content address of the version's similarity graph, derived from its item factors the
 * first time it is asked for and kept in the artifact store (so the tier loads it like any
 * model); null when the model names no item factors. Once per version and process.
 */
function similarityGraph(services: AppServices, modelSha256: string, itemCount: number): Promise<string | null> {
  const key = `similarity:${modelSha256}`;
  const hit = services.taskAssets.parsed.get(key);
  if (hit) return hit.value as Promise<string | null>;
  const derived = (async () => {
    const bytes = await fs.readFile(services.artifacts.pathOf(modelSha256));
    const tensor =
      readFloatInitializer(bytes, ITEM_FACTOR_NAMES.rows) ?? readFloatInitializer(bytes, ITEM_FACTOR_NAMES.columns);
    if (!tensor) return null;
    const factors = itemFactorRows(tensor, itemCount);
    // Publish checked the shape; a misfit here is a bug, not the caller's input.
    if ("misfit" in factors) throw new Error(factors.misfit);
    const graph = buildSimilarityGraph(factors.rows, factors.factors);
    const staged = await services.artifacts.stage(streamOf(graph), Number.MAX_SAFE_INTEGER);
    await staged.commit();
    return staged.sha256;
  })();
  services.taskAssets.parsed.set(key, { value: derived });
  derived.catch(() => services.taskAssets.parsed.delete(key));
  return derived;
}
