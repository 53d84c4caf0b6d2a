import type { Tenant, User } from "@modelmarket/db";
import { unauthenticated } from "@modelmarket/domain";
import { DECOY_HASH_PROMISE, verifyPassword } from "../../auth/password";
import { issueSessionToken } from "../../auth/session-token";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";

export interface SessionResult {
  token: string;
  user: User & { tenant: Tenant };
}

const WRONG_CREDENTIALS = "Wrong email or password.";

/**
 * Signs a user in. A wrong email and a wrong password get the same message and cost the
 * same time (a decoy hash is verified for unknown emails).
 */
export async function signIn(
  services: AppServices,
  cmd: { email: string; password: string; clientIp: string },
): Promise<SessionResult> {
  const email = cmd.email.trim().toLowerCase();
  await services.authRateLimits.beforeSignIn(cmd.clientIp, email);
  const user = await services.db.user.findUnique({ where: { email }, include: { tenant: true } });
  const ok = await verifyPassword(user?.passwordHash ?? (await DECOY_HASH_PROMISE), cmd.password);
  if (!user || !ok) {
    await services.authRateLimits.signInFailed(cmd.clientIp, email);
    throw unauthenticated(WRONG_CREDENTIALS);
  }
  await services.authRateLimits.signInSucceeded(cmd.clientIp, email);
  await audit(services.db, { tenantId: user.tenantId, userId: user.id }, "user.signed_in", {
    type: "user",
    id: user.id,
  });
  const token = await issueSessionToken(
    { userId: user.id, tenantId: user.tenantId },
    services.env.sessionSecret,
    services.env.SESSION_TTL_SECONDS,
  );
  return { token, user };
}
