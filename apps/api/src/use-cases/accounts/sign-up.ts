import { isUniqueViolation } from "@modelmarket/db";
import { badInput, newId } from "@modelmarket/domain";
import { assertStrongPassword, hashPassword } from "../../auth/password";
import type { AppServices } from "../../services";
import { createOrganisation, freeSlugFor } from "./support/new-organisation";
import { openSession, type SessionResult } from "./support/session";

export interface SignUpCommand {
  email: string;
  password: string;
  tenantName: string;
  clientIp: string;
}

/** Creates an account and its organisation (tenant) with the account as OWNER, and signs in. */
export async function signUp(services: AppServices, cmd: SignUpCommand): Promise<SessionResult> {
  await services.authRateLimits.beforeSignUp(cmd.clientIp);
  const email = cmd.email.trim().toLowerCase();
  const tenantName = cmd.tenantName.trim();
  assertStrongPassword(cmd.password, [email, email.split("@")[0] ?? "", tenantName]);
  const org = await freeSlugFor(services.db, tenantName);

  const passwordHash = await hashPassword(cmd.password);
  const existing = await services.db.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) throw badInput("An account with this email already exists; sign in instead.", "email");

  try {
    const { user, tenant } = await services.db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { id: newId("user"), email, passwordHash } });
      return { user, tenant: await createOrganisation(tx, user.id, org) };
    });
    return openSession(services, user, { tenant, role: "OWNER" });
  } catch (error) {
    // Two sign-ups racing for the same email or slug: the database decides.
    if (isUniqueViolation(error))
      throw badInput("An account with this email already exists; sign in instead.", "email");
    throw error;
  }
}
