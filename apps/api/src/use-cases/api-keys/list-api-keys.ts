import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { withPendingUse } from "./support/with-pending-use";

/** The caller's tenant's keys, newest first; never their secrets. */
export async function listApiKeys(services: AppServices, caller: Principal | null) {
  const principal = requirePrincipal(caller);
  const keys = await services.db.apiKey.findMany({
    where: { tenantId: principal.tenantId },
    orderBy: { id: "desc" },
    include: { createdBy: { select: { email: true } } },
  });
  return keys.map((k) => withPendingUse(services, { ...k, createdByEmail: k.createdBy?.email ?? null }));
}
