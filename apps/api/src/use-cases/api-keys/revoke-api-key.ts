import { forbidden, notFound } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { KEY_INCLUDE, keyView } from "./support/key-view";

/**
 * Revokes a key of the caller's tenant; the key is refused from the very next request. Keys
 * are managed per creator: anyone with `keys:write` revokes the keys they hold; another
 * member's key takes `members:write` too (owners and admins), so a developer cannot cut off
 * the owner's billing integration.
 */
export async function revokeApiKey(services: AppServices, caller: Principal | null, id: string) {
  const principal = requirePrincipal(caller);
  const key = await services.db.$transaction(async (tx) => {
    const existing = await tx.apiKey.findFirst({
      where: { id, tenantId: principal.tenantId },
      include: KEY_INCLUDE,
    });
    if (!existing) throw notFound("API key");
    const own = principal.userId !== null && existing.createdByUserId === principal.userId;
    if (!own && !principal.scopes.has("members:write")) {
      throw forbidden(
        `This key belongs to ${existing.createdBy?.email ?? "another member"}: revoking another member's key needs members:write (owners and admins).`,
      );
    }
    if (existing.revokedAt) return existing;
    const revoked = await tx.apiKey.update({
      where: { id: existing.id },
      data: { revokedAt: new Date() },
      include: KEY_INCLUDE,
    });
    await audit(tx, principal, "api_key.revoked", { type: "api_key", id: existing.id });
    return revoked;
  });
  await services.cacheBus.publish({ kind: "api-key", secretHash: key.secretHash });
  return keyView(services, key);
}
