import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { SUBSCRIPTION_INCLUDE, withUsedUnitsAll } from "./support/subscription-view";

/** The caller's tenant's subscriptions, live ones first, newest first. */
export async function listSubscriptions(services: AppServices, caller: Principal | null) {
  const principal = requirePrincipal(caller);
  const rows = await services.db.subscription.findMany({
    where: { tenantId: principal.tenantId },
    include: SUBSCRIPTION_INCLUDE,
    orderBy: [{ status: "asc" }, { id: "desc" }],
  });
  return withUsedUnitsAll(services, rows);
}
