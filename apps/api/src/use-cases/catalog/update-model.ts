import type { Prisma, Visibility } from "@modelmarket/db";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { normaliseTags } from "./publish-model";
import { findOwnModel } from "./support/find-own-model";
import { MODEL_INCLUDE, type ModelView, toModelView } from "./support/model-view";

export interface UpdateModelCommand {
  description?: string | null;
  tags?: string[] | null;
  card?: Record<string, string | null | undefined> | null;
  visibility?: Visibility | null;
}

/**
 * Edits what a model says about itself and who sees it (a private draft becomes public
 * here). Fields left out stay as they are; versions and plans have their own operations.
 */
export async function updateModel(
  services: AppServices,
  principal: Principal,
  slug: string,
  cmd: UpdateModelCommand,
): Promise<ModelView> {
  const model = await findOwnModel(services, principal, slug);
  const data: Prisma.ModelUpdateInput = {};
  if (cmd.description != null) data.description = cmd.description.trim();
  if (cmd.tags != null) data.tags = normaliseTags(cmd.tags);
  if (cmd.visibility != null) data.visibility = cmd.visibility;
  if (cmd.card !== undefined) {
    data.card = cmd.card
      ? (JSON.parse(JSON.stringify(cmd.card)) as Prisma.InputJsonValue)
      : ({} as Prisma.InputJsonValue);
  }
  const row = await services.db.$transaction(async (tx) => {
    const updated = await tx.model.update({ where: { id: model.id }, data, include: MODEL_INCLUDE });
    await audit(
      tx,
      principal,
      "model.updated",
      { type: "model", id: model.id },
      {
        fields: Object.keys(data),
        visibility: updated.visibility,
      },
    );
    return updated;
  });
  await services.cacheBus.publish({ kind: "catalog" });
  return toModelView(row);
}
