import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { MODEL_INCLUDE, type ModelView, toModelView } from "../support/model-view";
import { findOwnModel } from "./support/find-own-model";

/**
 * Unpublishes a model: gone from the catalog and search at once (every instance, through
 * the cache bus) and closed to new subscriptions. Current subscribers keep calling until the
 * end of their paid period, told so in every answer (`extensions.notices`); their
 * subscriptions then end. Idempotent; the publisher still sees and can call it.
 */
export async function unpublishModel(services: AppServices, principal: Principal, slug: string): Promise<ModelView> {
  const model = await findOwnModel(services, principal, slug);
  if (model.unpublishedAt) return toModelView(model);
  const row = await services.db.$transaction(async (tx) => {
    const updated = await tx.model.update({
      where: { id: model.id },
      data: { unpublishedAt: new Date() },
      include: MODEL_INCLUDE,
    });
    await audit(tx, principal, "model.unpublished", { type: "model", id: model.id }, { slug: model.slug });
    return updated;
  });
  await services.cacheBus.publish({ kind: "catalog" });
  return toModelView(row);
}
