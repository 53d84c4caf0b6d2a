import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";

/** The signed-in user; for an API key, the user who created it (null if that user is gone). */
export async function getMe(services: AppServices, principal: Principal | null) {
  if (!principal?.userId) return null;
  return services.db.user.findFirst({
    where: { id: principal.userId, tenantId: principal.tenantId },
    include: { tenant: true },
  });
}
