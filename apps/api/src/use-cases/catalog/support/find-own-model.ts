import { notFound } from "@modelmarket/domain";
import type { Principal } from "../../../auth/principal";
import type { AppServices } from "../../../services";
import { MODEL_INCLUDE } from "../../support/model-view";

/**
 * A model the caller's tenant publishes, by slug, for the lifecycle operations. Another
 * tenant's model — public or not — is NOT_FOUND, like one that does not exist.
 */
export async function findOwnModel(services: AppServices, principal: Principal, slug: string) {
  const model = await services.db.model.findFirst({
    where: { slug: slug.trim().toLowerCase(), publisherTenantId: principal.tenantId },
    include: MODEL_INCLUDE,
  });
  if (!model) throw notFound(`Model "${slug}" of your organisation`);
  return model;
}

/** One version of an own model, or NOT_FOUND. */
export function versionOf(model: Awaited<ReturnType<typeof findOwnModel>>, version: string) {
  const found = model.versions.find((v) => v.version === version);
  if (!found) throw notFound(`Version "${version}" of model "${model.slug}"`);
  return found;
}
