import { badInput } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import { billedCall } from "../../metering/billed-call";
import type { AppServices } from "../../services";
import { readListAsset } from "../support/read-json-asset";
import { resolveCallableVersion } from "../support/resolve-callable-version";

const MAX_K = 100;
const MAX_EXCLUDE = 10_000;

/**
 * Top-k items for a user from a RECOMMENDATION model (convention: docs/publishing.md):
 * user id → row through the `users` asset, excluded ids → mask through `items`, indices
 * back to item ids. One call is one billed unit.
 */
export async function recommend(
  services: AppServices,
  caller: Principal | null,
  input: { model: string; userId: string; k: number; exclude?: string[] | null; version?: string | null },
) {
  if (!Number.isInteger(input.k) || input.k < 1 || input.k > MAX_K) throw badInput(`\`k\` must be 1 to ${MAX_K}.`, "k");
  if ((input.exclude?.length ?? 0) > MAX_EXCLUDE)
    throw badInput(`At most ${MAX_EXCLUDE} ids in \`exclude\`.`, "exclude");
  const callable = await resolveCallableVersion(
    services,
    caller,
    input.model,
    "RECOMMENDATION",
    "recommend",
    input.version,
  );
  const { principal, version } = callable;
  const users = (await readListAsset(services, version.assets, "users")).map(String);
  const items = (await readListAsset(services, version.assets, "items")).map(String);
  const row = users.indexOf(input.userId);
  if (row < 0) throw badInput(`User "${input.userId}" is not known to this model.`, "userId");
  const excluded = new Set(input.exclude ?? []);
  const mask = items.map((id) => (excluded.has(id) ? 1 : 0));
  const k = Math.min(input.k, items.length - mask.filter(Boolean).length);
  if (k <= 0) return [];
  const outputs = await billedCall(
    services,
    callable,
    1,
    () =>
      services.inference.infer(
        principal.tenantId,
        version.sha256,
        [
          { name: "user_index", datatype: "INT64", shape: [1], data: [row] },
          { name: "exclude_mask", datatype: "FP32", shape: [1, items.length], data: mask },
          { name: "k", datatype: "INT64", shape: [1], data: [k] },
        ],
        { weight: callable.weight },
      ),
    // A retry with the same Idempotency-Key must ask the same question.
    { userId: input.userId, k: input.k, exclude: [...excluded].sort() },
  );
  const scores = outputs.find((o) => o.name === "top_scores")?.data as number[] | undefined;
  const indices = outputs.find((o) => o.name === "top_items")?.data as number[] | undefined;
  if (!scores || !indices) throw new Error("recommender returned no top_scores/top_items");
  return indices.map((index, i) => ({ itemId: items[index] as string, score: scores[i] as number }));
}
