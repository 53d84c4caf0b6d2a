import type { Prisma, Visibility } from "@modelmarket/db";
import { badInput } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { MODEL_INCLUDE, type ModelView, toModelView } from "../support/model-view";
import { normaliseTags } from "./publish-model";
import { assertCardRules } from "./support/card-rules";
import { findOwnModel } from "./support/find-own-model";
import { lockModel } from "./support/lock-model";

export interface UpdateModelCommand {
  description?: string | null;
  tags?: string[] | null;
  card?: Record<string, string | null | undefined> | null;
  visibility?: Visibility | null;
}

/**
 * Edits what a model says about itself and who sees it (a private draft becomes public
 * here). Fields left out stay as they are; versions and plans have their own operations.
 * A public model that other organisations subscribe to cannot be made private (it would cut
 * them off while their subscriptions kept billing): unpublishing is the way to retire it.
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
    assertCardRules(model.task, cmd.card);
    data.card = cmd.card
      ? (JSON.parse(JSON.stringify(cmd.card)) as Prisma.InputJsonValue)
      : ({} as Prisma.InputJsonValue);
  }
  const row = await services.db.$transaction(async (tx) => {
    if (data.visibility === "PRIVATE" && model.visibility !== "PRIVATE") {
      // subscribe.ts re-reads the visibility under a share lock of the same row: no
      // subscription can slip in between this count and the change.
      await lockModel(tx, model.id);
      const subscribers = await tx.subscription.count({
        where: { modelId: model.id, status: { not: "CANCELED" }, tenantId: { not: model.publisherTenantId } },
      });
      if (subscribers > 0) {
        throw badInput(
          `${subscribers} other organisation${subscribers === 1 ? "" : "s"} subscribe${subscribers === 1 ? "s" : ""} to "${model.slug}": ` +
            "a private model cannot serve them. Unpublish it instead (subscribers are served until their paid period ends, with notices).",
          "visibility",
        );
      }
    }
    const updated = await tx.model.update({ where: { id: model.id }, data, include: MODEL_INCLUDE });
    await audit(
      tx,
      principal,
      "model.updated",
      { type: "model", id: model.id },
      { changes: changesOf(model, updated) },
    );
    return updated;
  });
  await services.cacheBus.publish({ kind: "catalog" });
  return toModelView(row);
}

type Described = { description: string; tags: string[]; visibility: Visibility; card: unknown };

/** What an edit changed, for the audit log: each field's value before and after (the card: that it changed). */
function changesOf(before: Described, after: Described): Prisma.InputJsonObject {
  const changes: Record<string, Prisma.InputJsonValue> = {};
  if (before.description !== after.description)
    changes.description = { from: before.description, to: after.description };
  if (before.tags.join(",") !== after.tags.join(",")) changes.tags = { from: before.tags, to: after.tags };
  if (before.visibility !== after.visibility) changes.visibility = { from: before.visibility, to: after.visibility };
  if (JSON.stringify(before.card) !== JSON.stringify(after.card)) changes.card = "changed";
  return changes;
}
