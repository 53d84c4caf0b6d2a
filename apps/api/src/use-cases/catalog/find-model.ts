import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { findVisibleModel, type ModelView } from "../support/model-view";

/**
 * One model by slug. Another tenant's private model is NOT_FOUND, exactly like a model
 * that does not exist.
 */
export function findModel(services: AppServices, caller: Principal | null, slug: string): Promise<ModelView> {
  return findVisibleModel(services, caller, slug);
}
