import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import type { SessionUser } from "./support/session";

/**
 * The organisations a person belongs to, with their role in each, marking the active one. Seen
 * through the person's own API key (`me` with a key), only the key's organisation: a key must
 * not reveal where else its creator works.
 */
export async function listMemberships(services: AppServices, principal: Principal | null, user: SessionUser) {
  const throughKey = principal?.kind === "apiKey" && principal.userId === user.id;
  const rows = await services.db.membership.findMany({
    where: { userId: user.id, ...(throughKey ? { tenantId: user.tenant.id } : {}) },
    include: { tenant: true },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((m) => ({
    tenant: m.tenant,
    role: m.role,
    joinedAt: m.createdAt,
    active: m.tenantId === user.tenant.id,
  }));
}
