import type { Invitation } from "@modelmarket/db";
import { badInput } from "@modelmarket/domain";

export type InvitationStatus = "PENDING" | "ACCEPTED" | "EXPIRED" | "REVOKED";

export function invitationStatus(inv: Invitation, now = new Date()): InvitationStatus {
  if (inv.acceptedAt) return "ACCEPTED";
  if (inv.revokedAt) return "REVOKED";
  if (inv.expiresAt <= now) return "EXPIRED";
  return "PENDING";
}

/** Refuses an invitation that can no longer be accepted, saying why. */
export function assertPending(inv: Invitation): void {
  const status = invitationStatus(inv);
  if (status === "ACCEPTED") throw badInput("This invitation has already been used.", "token");
  if (status === "REVOKED") throw badInput("This invitation was revoked; ask for a new one.", "token");
  if (status === "EXPIRED") throw badInput("This invitation has expired; ask for a new one.", "token");
}
