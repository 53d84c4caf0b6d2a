import { badInput, notFound } from "@modelmarket/domain";
import type { Principal } from "../../../auth/principal";
import type { AppServices } from "../../../services";
import { audit } from "../../support/audit";
import { invalidateKeys } from "./member-keys";
import { assertNotLastOwner, lockOwners, requireOwner } from "./owners";

export interface Removal {
  userId: string;
  email: string;
  revokedKeys: number;
  reassignedKeys: number;
}

/**
 * Ends a membership. The keys the member created are revoked (or, when an owner names another
 * member in `reassignKeysTo`, handed to that member) in the same transaction, and every
 * instance drops them from its cache at once; the member's sessions for this organisation are
 * refused from their next request (the authenticator reads the membership every time).
 */
export async function removeMembership(
  services: AppServices,
  principal: Principal,
  userId: string,
  reassignKeysTo: string | null,
): Promise<Removal> {
  const { removal, keyHashes } = await services.db.$transaction(async (tx) => {
    const owners = await lockOwners(tx, principal.tenantId);
    const target = await tx.membership.findUnique({
      where: { tenantId_userId: { tenantId: principal.tenantId, userId } },
      include: { user: { select: { email: true } } },
    });
    if (!target) throw notFound("Member");
    const leaving = principal.userId === userId;
    if (target.role === "OWNER" && !leaving) requireOwner(principal, "remove an owner", owners);
    assertNotLastOwner(owners, userId);
    if (reassignKeysTo) {
      requireOwner(principal, "reassign a leaving member's API keys", owners);
      const heir = await tx.membership.findUnique({
        where: { tenantId_userId: { tenantId: principal.tenantId, userId: reassignKeysTo } },
      });
      if (!heir || reassignKeysTo === userId) {
        throw badInput("Keys can be reassigned only to another member of this organisation.", "reassignKeysTo");
      }
    }
    const keys = await tx.apiKey.findMany({
      where: { tenantId: principal.tenantId, createdByUserId: userId, revokedAt: null },
      select: { id: true, secretHash: true },
    });
    const ids = keys.map((k) => k.id);
    if (reassignKeysTo) {
      // The one who left may still know these secrets: the key list asks for a rotation.
      await tx.apiKey.updateMany({
        where: { id: { in: ids } },
        data: { createdByUserId: reassignKeysTo, handedOverFromEmail: target.user.email, handedOverAt: new Date() },
      });
    } else {
      await tx.apiKey.updateMany({ where: { id: { in: ids } }, data: { revokedAt: new Date() } });
      for (const id of ids)
        await audit(tx, principal, "api_key.revoked", { type: "api_key", id }, { reason: "member removed" });
    }
    await tx.membership.delete({ where: { id: target.id } });
    const removal: Removal = {
      userId,
      email: target.user.email,
      revokedKeys: reassignKeysTo ? 0 : ids.length,
      reassignedKeys: reassignKeysTo ? ids.length : 0,
    };
    await audit(
      tx,
      principal,
      "member.removed",
      { type: "user", id: userId },
      { ...removal, role: target.role, left: leaving, reassignKeysTo },
    );
    return { removal, keyHashes: keys.map((k) => k.secretHash) };
  });
  await invalidateKeys(services, keyHashes);
  return removal;
}
