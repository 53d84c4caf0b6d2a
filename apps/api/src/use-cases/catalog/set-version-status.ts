import { badInput } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { MODEL_INCLUDE, type ModelView, toModelView } from "../support/model-view";
import { findOwnModel, versionOf } from "./support/find-own-model";
import { lockModel } from "./support/lock-model";

/**
 * Deprecates a version (still served; every answer carries a notice naming the versions to
 * move to) or yanks it (refused when pinned, never the latest; the message names the versions
 * to use). The last version that is not yanked cannot be yanked: unpublish the model instead.
 * `undo` takes either back.
 */
export async function setVersionStatus(
  services: AppServices,
  principal: Principal,
  slug: string,
  versionName: string,
  change: { kind: "deprecate" | "yank"; note?: string | null; undo?: boolean },
): Promise<ModelView> {
  const model = await findOwnModel(services, principal, slug);
  const version = versionOf(model, versionName);
  const note = change.note?.trim().slice(0, 500) || null;
  const yanking = change.kind === "yank" && !change.undo;
  const onlyOneLeft = () =>
    badInput(`Version ${versionName} is the only one left; publish another first, or unpublish the model.`, "version");
  if (yanking && !model.versions.some((v) => v.id !== version.id && v.yankedAt === null)) throw onlyOneLeft();
  const data =
    change.kind === "deprecate"
      ? { deprecatedAt: change.undo ? null : new Date(), deprecationNote: change.undo ? null : note }
      : { yankedAt: change.undo ? null : new Date(), yankReason: change.undo ? null : note };
  const row = await services.db.$transaction(async (tx) => {
    if (yanking) {
      // Two yanks at once must not both see "another version is left": the model's row lock
      // orders them, and the count is made again under it.
      await lockModel(tx, model.id);
      const left = await tx.modelVersion.count({
        where: { modelId: model.id, yankedAt: null, id: { not: version.id } },
      });
      if (left === 0) throw onlyOneLeft();
    }
    await tx.modelVersion.update({ where: { id: version.id }, data });
    await audit(
      tx,
      principal,
      `model.version_${change.undo ? "un" : ""}${change.kind === "deprecate" ? "deprecated" : "yanked"}`,
      { type: "model", id: model.id },
      { version: versionName, note },
    );
    return tx.model.findUniqueOrThrow({ where: { id: model.id }, include: MODEL_INCLUDE });
  });
  await services.cacheBus.publish({ kind: "catalog" });
  return toModelView(row);
}
