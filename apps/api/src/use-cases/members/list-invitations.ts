import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { invitationStatus } from "./support/invitation-view";

/** The organisation's invitations, newest first: pending ones, or all of them (the last 200). */
export async function listInvitations(services: AppServices, principal: Principal, includeClosed: boolean) {
  const rows = await services.db.invitation.findMany({
    where: {
      tenantId: principal.tenantId,
      ...(includeClosed ? {} : { acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } }),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 200,
  });
  const inviters = await services.db.user.findMany({
    where: { id: { in: rows.flatMap((r) => (r.invitedByUserId ? [r.invitedByUserId] : [])) } },
    select: { id: true, email: true },
  });
  const email = new Map(inviters.map((u) => [u.id, u.email]));
  return rows.map((r) => ({
    ...r,
    status: invitationStatus(r),
    invitedByEmail: r.invitedByUserId ? (email.get(r.invitedByUserId) ?? null) : null,
  }));
}
