import { type MemberRole, notFound } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { memberView } from "./list-members";
import { invalidateKeys } from "./support/member-keys";
import { assertNotLastOwner, lockOwners, requireOwner } from "./support/owners";

/**
 * Gives a member another role. Takes effect on their next request: sessions read the role on
 * every request, and the cached entries of the keys they created are dropped on every instance.
 */
export async function changeMemberRole(services: AppServices, principal: Principal, userId: string, role: MemberRole) {
  const { member, keyHashes, changed } = await services.db.$transaction(async (tx) => {
    const owners = await lockOwners(tx, principal.tenantId);
    const target = await tx.membership.findUnique({
      where: { tenantId_userId: { tenantId: principal.tenantId, userId } },
      include: { user: { select: { email: true } } },
    });
    if (!target) throw notFound("Member");
    // The member's live keys: invalidated below when the role changes, and counted in the answer.
    const keys = await tx.apiKey.findMany({
      where: { tenantId: principal.tenantId, createdByUserId: userId, revokedAt: null },
      select: { secretHash: true },
    });
    const keyHashes = keys.map((k) => k.secretHash);
    if (target.role === role) return { member: target, keyHashes, changed: false };
    if (target.role === "OWNER" || role === "OWNER")
      requireOwner(principal, "grant or take away the owner role", owners);
    if (target.role === "OWNER") assertNotLastOwner(owners, userId);
    const member = await tx.membership.update({
      where: { id: target.id },
      data: { role },
      include: { user: { select: { email: true } } },
    });
    await audit(
      tx,
      principal,
      "member.role_changed",
      { type: "user", id: userId },
      { email: target.user.email, from: target.role, to: role },
    );
    return { member, keyHashes, changed: true };
  });
  if (changed) await invalidateKeys(services, keyHashes);
  const activeKeys = keyHashes.length;
  return memberView(member, activeKeys);
}
