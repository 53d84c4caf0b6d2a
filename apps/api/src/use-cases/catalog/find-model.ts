import { notFound } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { MODEL_INCLUDE, type ModelView, toModelView, visibleTo } from "./support/model-view";

/**
 * One model by slug. Another tenant's private model is NOT_FOUND, exactly like a model
 * that does not exist.
 */
export async function findModel(services: AppServices, caller: Principal | null, slug: string): Promise<ModelView> {
  const tenantId = caller?.tenantId;
  const model = await services.catalogCache.getOrLoad(`model:${tenantId ?? "-"}:${slug}`, async () => {
    const row = await services.db.model.findFirst({
      where: { AND: [{ slug: slug.trim().toLowerCase() }, visibleTo(tenantId)] },
      include: MODEL_INCLUDE,
    });
    return row ? toModelView(row) : null;
  });
  if (!model) throw notFound(`Model "${slug}"`);
  return model;
}
