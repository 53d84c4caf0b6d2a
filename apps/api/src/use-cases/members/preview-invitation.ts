import { notFound } from "@modelmarket/domain";
import type { AppServices } from "../../services";
import { hashInvitationToken } from "./support/invitation-token";
import { invitationStatus } from "./support/invitation-view";

/**
 * What an invitation link offers, for its holder: the organisation, the role, the address, its
 * status, and whether that address already has an account (sign in vs choose a password).
 */
export async function previewInvitation(services: AppServices, token: string) {
  const invitation = await services.db.invitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
    include: { tenant: true },
  });
  if (!invitation) throw notFound("Invitation");
  const account = await services.db.user.count({ where: { email: invitation.email } });
  return {
    tenant: invitation.tenant,
    email: invitation.email,
    role: invitation.role,
    expiresAt: invitation.expiresAt,
    status: invitationStatus(invitation),
    accountExists: account > 0,
  };
}
