import { badInput } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import { billedCall } from "../../metering/billed-call";
import type { AppServices } from "../../services";
import { readListAsset } from "../support/read-json-asset";
import { resolveCallableVersion } from "../support/resolve-callable-version";
import { checkRankingInput, excludeMask, rankedItems } from "./item-ranking";

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
  checkRankingInput(input);
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
  const { mask, k } = excludeMask(items, excluded, input.k);
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
  return rankedItems(outputs, items);
}
