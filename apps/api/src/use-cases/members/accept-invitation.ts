import { isUniqueViolation } from "@modelmarket/db";
import { badInput, newId, notFound, unauthenticated } from "@modelmarket/domain";
import { assertStrongPassword, hashPassword, verifyPassword } from "../../auth/password";
import type { AppServices } from "../../services";
import { openSession, type SessionResult } from "../accounts/support/session";
import { audit } from "../support/audit";
import { hashInvitationToken } from "./support/invitation-token";
import { assertPending } from "./support/invitation-view";

/**
 * Accepts an invitation with the invited address's password: an existing account joins the
 * organisation (its password proves it is theirs), a new address gets an account with this
 * password. The invitation is consumed in the same transaction as the membership, by a
 * conditional update, so it works exactly once; a wrong password does not use it up.
 * Returns a session in the organisation joined.
 */
export async function acceptInvitation(
  services: AppServices,
  cmd: { token: string; password: string; clientIp: string },
): Promise<SessionResult> {
  const tokenHash = hashInvitationToken(cmd.token);
  const invitation = await services.db.invitation.findUnique({ where: { tokenHash }, include: { tenant: true } });
  if (!invitation) throw notFound("Invitation");
  assertPending(invitation);
  const email = invitation.email;
  await services.authRateLimits.beforeSignIn(cmd.clientIp, email);
  const existing = await services.db.user.findUnique({ where: { email } });
  let passwordHash: string | null = null;
  if (existing) {
    if (!(await verifyPassword(existing.passwordHash, cmd.password))) {
      await services.authRateLimits.signInFailed(cmd.clientIp, email);
      throw unauthenticated(`Wrong password for the existing account of ${email}.`);
    }
    await services.authRateLimits.signInSucceeded(cmd.clientIp, email);
  } else {
    assertStrongPassword(cmd.password, [email, email.split("@")[0] ?? "", invitation.tenant.name]);
    passwordHash = await hashPassword(cmd.password);
  }
  const userId = existing?.id ?? newId("user");
  try {
    await services.db.$transaction(async (tx) => {
      const now = new Date();
      const consumed = await tx.invitation.updateMany({
        where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
        data: { acceptedAt: now, acceptedByUserId: userId },
      });
      if (consumed.count === 0) {
        // Used, revoked or expired since it was read: say which.
        assertPending(await tx.invitation.findUniqueOrThrow({ where: { id: invitation.id } }));
        throw badInput("This invitation can no longer be used.", "token");
      }
      if (passwordHash) await tx.user.create({ data: { id: userId, email, passwordHash } });
      const already = await tx.membership.findUnique({
        where: { tenantId_userId: { tenantId: invitation.tenantId, userId } },
      });
      if (already) throw badInput(`${email} is already a member of ${invitation.tenant.name}.`, "token");
      await tx.membership.create({
        data: { id: newId("membership"), tenantId: invitation.tenantId, userId, role: invitation.role },
      });
      await audit(
        tx,
        { tenantId: invitation.tenantId, userId },
        "member.joined",
        { type: "user", id: userId },
        { email, role: invitation.role, invitationId: invitation.id },
      );
    });
  } catch (error) {
    // An account for this address was created meanwhile (a sign-up racing the acceptance).
    if (isUniqueViolation(error)) throw badInput("An account for this address was just created; try again.", "token");
    throw error;
  }
  return openSession(services, { id: userId, email }, { tenant: invitation.tenant, role: invitation.role });
}
