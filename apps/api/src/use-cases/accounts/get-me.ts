import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import type { SessionUser } from "./support/session";

/** The signed-in person in the active organisation; for an API key, its creator (null if gone). */
export async function getMe(services: AppServices, principal: Principal | null): Promise<SessionUser | null> {
  if (!principal?.userId) return null;
  const membership = await services.db.membership.findUnique({
    where: { tenantId_userId: { tenantId: principal.tenantId, userId: principal.userId } },
    include: { tenant: true, user: { select: { id: true, email: true } } },
  });
  if (!membership) return null;
  return { id: membership.user.id, email: membership.user.email, tenant: membership.tenant, role: membership.role };
}
