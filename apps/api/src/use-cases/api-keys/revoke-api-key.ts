import { notFound } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { withPendingUse } from "./support/with-pending-use";

/** Revokes a key of the caller's tenant; the key is refused from the very next request. */
export async function revokeApiKey(services: AppServices, caller: Principal | null, id: string) {
  const principal = requirePrincipal(caller);
  const key = await services.db.$transaction(async (tx) => {
    const existing = await tx.apiKey.findFirst({
      where: { id, tenantId: principal.tenantId },
      include: { createdBy: { select: { email: true } } },
    });
    if (!existing) throw notFound("API key");
    if (existing.revokedAt) return existing;
    const revoked = await tx.apiKey.update({
      where: { id: existing.id },
      data: { revokedAt: new Date() },
      include: { createdBy: { select: { email: true } } },
    });
    await audit(tx, principal, "api_key.revoked", { type: "api_key", id: existing.id });
    return revoked;
  });
  await services.cacheBus.publish({ kind: "api-key", secretHash: key.secretHash });
  return withPendingUse(services, { ...key, createdByEmail: key.createdBy?.email ?? null });
}
