import type { Prisma } from "@modelmarket/db";
import { badInput, forbidden } from "@modelmarket/domain";
import type { Principal } from "../../../auth/principal";

/**
 * Locks the organisation's OWNER memberships for the rest of the transaction and returns their
 * user ids. Every change that could leave no owner takes this lock first, so two owners demoting
 * each other at once cannot both succeed.
 */
export async function lockOwners(tx: Prisma.TransactionClient, tenantId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ userId: string }[]>`
    SELECT "userId" FROM "Membership" WHERE "tenantId" = ${tenantId} AND "role" = 'OWNER' FOR UPDATE`;
  return rows.map((r) => r.userId);
}

/** The last owner cannot be removed or demoted: someone must be able to manage the organisation. */
export function assertNotLastOwner(owners: string[], userId: string): void {
  if (owners.length <= 1 && owners.includes(userId)) {
    throw badInput("An organisation needs at least one owner: make another member an owner first.", "userId");
  }
}

/**
 * What only an owner may do (grant or take away the OWNER role, remove an owner, reassign keys).
 * Inside a transaction that holds lockOwners, pass the locked owners: the caller's role as
 * read at authentication may already be stale (another owner demoted them a moment ago), and
 * only the locked list decides races between owners.
 */
export function requireOwner(principal: Principal, what: string, lockedOwners?: string[]): void {
  const isOwner = lockedOwners
    ? principal.userId !== null && lockedOwners.includes(principal.userId)
    : principal.role === "OWNER";
  if (!isOwner) throw forbidden(`Only an owner can ${what}.`);
}
