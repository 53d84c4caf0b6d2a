import { badInput, notFound } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";

/** Revokes an invitation of the caller's organisation; its link stops working at once. */
export async function revokeInvitation(services: AppServices, principal: Principal, id: string) {
  return services.db.$transaction(async (tx) => {
    const invitation = await tx.invitation.findFirst({ where: { id, tenantId: principal.tenantId } });
    if (!invitation) throw notFound("Invitation");
    if (invitation.acceptedAt) throw badInput("This invitation was already accepted; remove the member instead.", "id");
    if (invitation.revokedAt) return { ...invitation, status: "REVOKED" as const, invitedByEmail: null };
    const revoked = await tx.invitation.update({ where: { id }, data: { revokedAt: new Date() } });
    await audit(tx, principal, "member.invitation_revoked", { type: "invitation", id }, { email: invitation.email });
    return { ...revoked, status: "REVOKED" as const, invitedByEmail: null };
  });
}
