import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { readListAsset } from "../../tasks/support/read-json-asset";
import type { ModelView } from "../support/model-view";

const SHOWN = 25;

/**
 * Some user ids a recommender knows (its `users` asset), for the portal's user picker. Only
 * for callers who may call the model (a live subscription) and its publisher: a model's user
 * list is the publisher's data, not a catalog entry.
 */
export async function playgroundUserIds(
  services: AppServices,
  caller: Principal | null,
  model: ModelView,
): Promise<string[]> {
  if (!caller || model.task !== "RECOMMENDATION" || !model.latestVersion) return [];
  if (caller.tenantId !== model.publisherTenantId) {
    const live = await services.db.subscription.count({
      where: { tenantId: caller.tenantId, modelId: model.id, status: { in: ["ACTIVE", "PAST_DUE"] } },
    });
    if (!live) return [];
  }
  const users = await readListAsset(services, model.latestVersion.assets, "users");
  return users.slice(0, SHOWN).map(String);
}
