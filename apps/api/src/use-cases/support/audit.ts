import type { Prisma } from "@modelmarket/db";
import { newId } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import { currentRequestId } from "../../infra/request-context";

export type AuditAction =
  | "tenant.created"
  | "user.signed_in"
  | "user.sign_in_failed"
  | "user.locked_out"
  | "user.password_reset"
  | "user.switched_organisation"
  | "artifact.uploaded"
  | "api_key.created"
  | "api_key.revoked"
  | "model.published"
  | "model.version_published"
  | "model.version_deprecated"
  | "model.version_undeprecated"
  | "model.version_yanked"
  | "model.version_unyanked"
  | "model.updated"
  | "model.unpublished"
  | "plan.added"
  | "plan.retired"
  | "subscription.created"
  | "subscription.canceled"
  | "subscription.spend_cap_set"
  | "member.invited"
  | "member.invitation_revoked"
  | "member.joined"
  | "member.role_changed"
  | "member.removed";

/** Writes an audit entry; always called with the transaction of the action it records. */
export async function audit(
  tx: Prisma.TransactionClient,
  /** userId null: nobody signed in (a failed sign-in names its account in the target). */
  actor: Principal | { tenantId: string; userId: string | null },
  action: AuditAction,
  target: { type: string; id: string },
  metadata?: Prisma.InputJsonValue,
): Promise<void> {
  await tx.auditLog.create({
    data: {
      id: newId("audit"),
      tenantId: actor.tenantId,
      actorUserId: "userId" in actor ? actor.userId : null,
      actorApiKeyId: "apiKeyId" in actor ? actor.apiKeyId : null,
      action,
      targetType: target.type,
      targetId: target.id,
      requestId: currentRequestId() ?? null,
      metadata,
    },
  });
}
