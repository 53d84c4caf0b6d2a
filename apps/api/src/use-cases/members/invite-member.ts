import { badInput, type MemberRole, newId } from "@modelmarket/domain";
import { z } from "zod";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { newInvitationToken } from "./support/invitation-token";
import { requireOwner } from "./support/owners";

const MAX_PENDING_INVITATIONS = 100;
const email = z.string().trim().toLowerCase().max(254).email();

/**
 * Invites an email to join the organisation with a role. The link (a single-use token, valid
 * INVITATION_TTL_HOURS) is returned to the inviter once and, with SMTP_URL set, mailed to the
 * invitee. A new invitation to the same address replaces the pending one.
 */
export async function inviteMember(
  services: AppServices,
  principal: Principal,
  input: { email: string; role: MemberRole },
) {
  const parsed = email.safeParse(input.email);
  if (!parsed.success) throw badInput("Enter a valid email address.", "email");
  const to = parsed.data;
  if (input.role === "OWNER") requireOwner(principal, "invite an owner");
  await services.authRateLimits.beforeInvite(principal.tenantId);
  const { token, hash } = newInvitationToken();
  const { invitation, tenant } = await services.db.$transaction(async (tx) => {
    const member = await tx.membership.findFirst({ where: { tenantId: principal.tenantId, user: { email: to } } });
    if (member) throw badInput(`${to} is already a member of this organisation.`, "email");
    const now = new Date();
    // The previous pending invitation to this address is replaced, so only the newest link works.
    await tx.invitation.updateMany({
      where: { tenantId: principal.tenantId, email: to, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    const pending = await tx.invitation.count({
      where: { tenantId: principal.tenantId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    });
    if (pending >= MAX_PENDING_INVITATIONS) {
      throw badInput(`At most ${MAX_PENDING_INVITATIONS} invitations may be pending; revoke some first.`);
    }
    const invitation = await tx.invitation.create({
      data: {
        id: newId("invitation"),
        tenantId: principal.tenantId,
        email: to,
        role: input.role,
        tokenHash: hash,
        invitedByUserId: principal.userId,
        expiresAt: new Date(now.getTime() + services.env.INVITATION_TTL_HOURS * 3_600_000),
      },
    });
    await audit(
      tx,
      principal,
      "member.invited",
      { type: "invitation", id: invitation.id },
      { email: to, role: input.role },
    );
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: principal.tenantId } });
    return { invitation, tenant };
  });
  const url = `${services.env.PORTAL_URL}/invite/${token}`;
  const emailed = services.mailer
    ? await services.mailer.send({
        to,
        subject: `You are invited to ${tenant.name} on Modelmarket`,
        text: [
          `You are invited to join ${tenant.name} on Modelmarket as ${input.role.toLowerCase()}.`,
          "",
          `Accept: ${url}`,
          "",
          `The link works once and expires on ${invitation.expiresAt.toUTCString()}.`,
          "If you did not expect it, ignore this message.",
        ].join("\n"),
      })
    : false;
  return {
    invitation: { ...invitation, status: "PENDING" as const, invitedByEmail: null as string | null },
    url,
    emailed,
  };
}
