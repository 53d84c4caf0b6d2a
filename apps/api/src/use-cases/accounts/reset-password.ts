import { badInput } from "@modelmarket/domain";
import { assertStrongPassword, hashPassword } from "../../auth/password";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { hashResetToken } from "./request-password-reset";

/**
 * Sets a new password with a reset link's token: the token works once (consumed by a
 * conditional update in the same transaction as the password), within its hour. Every session
 * issued before is refused from then on (User.sessionsValidFrom), so a stolen session ends
 * with the reset; API keys stay (they belong to the organisations, docs/teams.md). The new
 * password meets the sign-up rules. The person then signs in with it.
 */
export async function resetPassword(
  services: AppServices,
  cmd: { token: string; password: string },
): Promise<{ email: string }> {
  const reset = await services.db.passwordReset.findUnique({
    where: { tokenHash: hashResetToken(cmd.token) },
    include: { user: { select: { id: true, email: true, memberships: { select: { tenantId: true } } } } },
  });
  const invalid = () =>
    badInput("This reset link is not valid any more (used, expired or mistyped): ask for a new one.", "token");
  if (!reset || reset.usedAt || reset.expiresAt.getTime() <= Date.now()) throw invalid();
  const { user } = reset;
  assertStrongPassword(cmd.password, [user.email, user.email.split("@")[0] ?? ""]);
  const passwordHash = await hashPassword(cmd.password);
  await services.db.$transaction(async (tx) => {
    const now = new Date();
    const consumed = await tx.passwordReset.updateMany({
      where: { id: reset.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (consumed.count === 0) throw invalid();
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, sessionsValidFrom: now } });
    // Other links of the account stop working too.
    await tx.passwordReset.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: now } });
    for (const { tenantId } of user.memberships) {
      await audit(tx, { tenantId, userId: user.id }, "user.password_reset", { type: "user", id: user.id });
    }
  });
  return { email: user.email };
}
