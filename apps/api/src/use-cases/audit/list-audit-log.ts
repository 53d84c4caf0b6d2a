import type { Prisma } from "@modelmarket/db";
import { badInput } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";

export interface AuditQuery {
  first: number;
  after?: string | null;
  /** An action ("api_key.created") or a family of them ("api_key."). */
  action?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/**
 * The caller's organisation's audit log, newest first: who (a user's email, or an API key's
 * name and prefix) did what to which object, when, under which request id. Cursor-paginated;
 * another tenant's entries are never visible.
 */
export async function listAuditLog(services: AppServices, caller: Principal | null, q: AuditQuery) {
  const principal = requirePrincipal(caller);
  if (q.first < 1 || q.first > 200) throw badInput("`first` must be between 1 and 200.", "first");
  if (q.from && q.to && !(q.from < q.to)) throw badInput("`from` must be before `to`.", "from");
  const action = q.action?.trim();
  if (action && (action.length > 100 || !/^[a-z_.]+$/.test(action))) {
    throw badInput('`action` is an action such as "api_key.created", or a family such as "api_key.".', "action");
  }
  const where: Prisma.AuditLogWhereInput = {
    tenantId: principal.tenantId,
    ...(action ? (action.endsWith(".") ? { action: { startsWith: action } } : { action }) : {}),
    ...(q.from || q.to ? { createdAt: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } } : {}),
  };
  const after = q.after ? decodeAuditCursor(q.after) : null;
  const rows = await services.db.auditLog.findMany({
    where: after
      ? {
          AND: [
            where,
            { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] },
          ],
        }
      : where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.first + 1,
  });
  const page = rows.slice(0, q.first);
  const [users, keys] = await Promise.all([
    services.db.user.findMany({
      where: { id: { in: page.flatMap((r) => (r.actorUserId ? [r.actorUserId] : [])) } },
      select: { id: true, email: true },
    }),
    services.db.apiKey.findMany({
      where: { id: { in: page.flatMap((r) => (r.actorApiKeyId ? [r.actorApiKeyId] : [])) } },
      select: { id: true, name: true, prefix: true },
    }),
  ]);
  const email = new Map(users.map((u) => [u.id, u.email]));
  const key = new Map(keys.map((k) => [k.id, `API key "${k.name}" (${k.prefix}…)`]));
  return {
    edges: page.map((r) => ({
      cursor: encodeAuditCursor(r.createdAt, r.id),
      node: {
        id: r.id,
        action: r.action,
        actor:
          (r.actorApiKeyId ? key.get(r.actorApiKeyId) : null) ??
          (r.actorUserId ? email.get(r.actorUserId) : null) ??
          (r.action.startsWith("user.") ? "anonymous visitor" : "system"),
        targetType: r.targetType,
        targetId: r.targetId,
        requestId: r.requestId,
        metadata: r.metadata === null ? null : JSON.stringify(r.metadata),
        createdAt: r.createdAt,
      },
    })),
    pageInfo: {
      hasNextPage: rows.length > q.first,
      endCursor: page.length
        ? encodeAuditCursor(page[page.length - 1]?.createdAt as Date, page[page.length - 1]?.id as string)
        : null,
    },
  };
}

function encodeAuditCursor(createdAt: Date, id: string): string {
  return Buffer.from(`audit:${createdAt.toISOString()}:${id}`).toString("base64url");
}

function decodeAuditCursor(cursor: string): { createdAt: Date; id: string } {
  const match = /^audit:(\d{4}-\d\d-\d\dT[\d:.]+Z):(aud_[0-9a-z]{26})$/.exec(
    Buffer.from(cursor, "base64url").toString("utf8"),
  );
  if (!match?.[1] || !match[2]) throw badInput("`after` is not a cursor returned by this API.", "after");
  return { createdAt: new Date(match[1]), id: match[2] };
}
