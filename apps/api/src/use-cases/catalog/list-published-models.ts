import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { MODEL_INCLUDE, toModelView } from "../support/model-view";

/**
 * The models the caller's organisation publishes — drafts and unpublished ones too — each
 * with its live subscriber count, newest first: the publisher's "Your models" page.
 */
export async function listPublishedModels(services: AppServices, principal: Principal) {
  const rows = await services.db.model.findMany({
    where: { publisherTenantId: principal.tenantId },
    include: MODEL_INCLUDE,
    orderBy: { id: "desc" },
  });
  const counts = await services.db.subscription.groupBy({
    by: ["modelId"],
    where: { modelId: { in: rows.map((r) => r.id) }, status: { in: ["ACTIVE", "PAST_DUE"] } },
    _count: { _all: true },
  });
  const subscribers = new Map(counts.map((c) => [c.modelId, c._count._all]));
  return rows.map((row) => ({ model: toModelView(row), subscribers: subscribers.get(row.id) ?? 0 }));
}
