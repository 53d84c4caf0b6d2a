import { forbidden, notFound, unauthenticated } from "@modelmarket/domain";
import { DECOY_HASH_PROMISE, verifyPassword } from "../../auth/password";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { openSession, type SessionResult } from "./support/session";

const WRONG_CREDENTIALS = "Wrong email or password.";

/**
 * Signs a person in to one of their organisations: `tenant` (a slug) when given, else the one
 * they last used. A wrong email and a wrong password get the same message and cost the same
 * time (a decoy hash is verified for unknown emails).
 */
export async function signIn(
  services: AppServices,
  cmd: { email: string; password: string; clientIp: string; tenant?: string | null },
): Promise<SessionResult> {
  const email = cmd.email.trim().toLowerCase();
  await services.authRateLimits.beforeSignIn(cmd.clientIp, email);
  const user = await services.db.user.findUnique({
    where: { email },
    include: { memberships: { include: { tenant: true }, orderBy: [{ lastActiveAt: "desc" }, { createdAt: "asc" }] } },
  });
  const ok = await verifyPassword(user?.passwordHash ?? (await DECOY_HASH_PROMISE), cmd.password);
  if (!user || !ok) {
    const lockedNow = await services.authRateLimits.signInFailed(cmd.clientIp, email);
    // An account's organisations see the attempts on it (an unknown email has none to tell).
    if (user) await recordFailure(services, user, cmd.clientIp, lockedNow);
    throw unauthenticated(WRONG_CREDENTIALS);
  }
  await services.authRateLimits.signInSucceeded(cmd.clientIp, email);
  const membership = cmd.tenant ? user.memberships.find((m) => m.tenant.slug === cmd.tenant) : user.memberships[0];
  if (!membership) {
    if (cmd.tenant) throw notFound("Organisation");
    throw forbidden("This account is no longer a member of any organisation; accept an invitation to join one.");
  }
  await services.db.$transaction(async (tx) => {
    await tx.membership.update({ where: { id: membership.id }, data: { lastActiveAt: new Date() } });
    await audit(tx, { tenantId: membership.tenantId, userId: user.id }, "user.signed_in", {
      type: "user",
      id: user.id,
    });
  });
  return openSession(services, user, membership);
}

/**
 * A wrong password for a known account, in the audit log of each of its organisations, and the
 * lockout when this failure started one (once per lockout, not per refused attempt after it).
 */
async function recordFailure(
  services: AppServices,
  user: { id: string; email: string; memberships: { tenantId: string }[] },
  clientIp: string,
  lockedNow: boolean,
): Promise<void> {
  await services.db.$transaction(async (tx) => {
    for (const { tenantId } of user.memberships) {
      const actor = { tenantId, userId: null };
      const target = { type: "user", id: user.id };
      await audit(tx, actor, "user.sign_in_failed", target, { email: user.email, clientIp });
      if (lockedNow) await audit(tx, actor, "user.locked_out", target, { email: user.email, clientIp });
    }
  });
}
