import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";

/** The organisation's members, oldest first, with how many live API keys each created. */
export async function listMembers(services: AppServices, principal: Principal) {
  const [members, keys] = await Promise.all([
    services.db.membership.findMany({
      where: { tenantId: principal.tenantId },
      include: { user: { select: { email: true } } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    services.db.apiKey.groupBy({
      by: ["createdByUserId"],
      where: { tenantId: principal.tenantId, revokedAt: null },
      _count: { _all: true },
    }),
  ]);
  const keyCount = new Map(keys.map((k) => [k.createdByUserId, k._count._all]));
  return members.map((m) => memberView(m, keyCount.get(m.userId) ?? 0));
}

export function memberView(
  m: { id: string; userId: string; role: string; createdAt: Date; lastActiveAt: Date; user: { email: string } },
  activeKeys: number,
) {
  return {
    id: m.id,
    userId: m.userId,
    email: m.user.email,
    role: m.role,
    joinedAt: m.createdAt,
    lastActiveAt: m.lastActiveAt,
    activeKeys,
  };
}
