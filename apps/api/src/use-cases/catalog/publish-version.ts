import { isUniqueViolation } from "@modelmarket/db";
import { badInput } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { MODEL_INCLUDE, type ModelView, toModelView } from "../support/model-view";
import { checkExamples } from "./support/check-examples";
import { findOwnModel } from "./support/find-own-model";
import { type NewVersionInput, prepareNewVersion } from "./support/new-version";

/**
 * A new version of a model the caller publishes, with its own artifact, assets,
 * preprocessing, notes and examples (checked through the serving path first). The highest
 * version that is not yanked becomes the latest at once; calls pinned to others stay.
 */
export async function publishVersion(
  services: AppServices,
  principal: Principal,
  slug: string,
  input: NewVersionInput,
): Promise<ModelView> {
  const model = await findOwnModel(services, principal, slug);
  if (model.versions.some((v) => v.version === input.version)) {
    throw badInput(
      `Version ${input.version} of "${model.slug}" exists; versions are immutable, publish a new one.`,
      "version",
    );
  }
  const version = await prepareNewVersion(services, principal.tenantId, model.task, input);
  await checkExamples(services, principal, model.task, version);
  try {
    const row = await services.db.$transaction(async (tx) => {
      await tx.modelVersion.create({ data: { ...version, modelId: model.id } });
      await audit(
        tx,
        principal,
        "model.version_published",
        { type: "model", id: model.id },
        { version: input.version },
      );
      return tx.model.findUniqueOrThrow({ where: { id: model.id }, include: MODEL_INCLUDE });
    });
    await services.cacheBus.publish({ kind: "catalog" });
    return toModelView(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw badInput(`Version ${input.version} of "${model.slug}" exists.`, "version");
    throw error;
  }
}
