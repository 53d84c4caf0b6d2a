import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { KEY_INCLUDE, keyView } from "./support/key-view";

/** The caller's tenant's keys, newest first; never their secrets. */
export async function listApiKeys(services: AppServices, caller: Principal | null) {
  const principal = requirePrincipal(caller);
  const keys = await services.db.apiKey.findMany({
    where: { tenantId: principal.tenantId },
    orderBy: { id: "desc" },
    include: KEY_INCLUDE,
  });
  return keys.map((k) => keyView(services, k));
}
