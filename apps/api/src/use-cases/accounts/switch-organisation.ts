import { forbidden, notFound } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { openSession, type SessionResult } from "./support/session";

/**
 * A new session for another organisation the signed-in person belongs to (by slug). Not for
 * API keys: a key belongs to one organisation. Not a member: NOT_FOUND, as for any
 * organisation one cannot see.
 */
export async function switchOrganisation(
  services: AppServices,
  principal: Principal,
  slug: string,
): Promise<SessionResult> {
  if (principal.kind !== "user") throw forbidden("Only a signed-in person can switch organisation; a key has one.");
  const membership = await services.db.membership.findFirst({
    where: { userId: principal.userId, tenant: { slug } },
    include: { tenant: true, user: { select: { id: true, email: true } } },
  });
  if (!membership) throw notFound("Organisation");
  await services.db.$transaction(async (tx) => {
    await tx.membership.update({ where: { id: membership.id }, data: { lastActiveAt: new Date() } });
    // In the organisation switched to: who came in, and from which one.
    await audit(
      tx,
      { tenantId: membership.tenantId, userId: principal.userId },
      "user.switched_organisation",
      { type: "user", id: principal.userId },
      { from: principal.tenantId },
    );
  });
  return openSession(services, membership.user, membership);
}
