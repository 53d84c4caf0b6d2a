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
  const names = await targetNames(services, principal.tenantId, page);
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
        targetName: names.get(`${r.targetType}:${r.targetId}`) ?? null,
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

/**
 * What people call each target (a model's slug, a person's email, a key's name…), read in one
 * query per kind for the whole page; null for one that is gone. Only this organisation's keys,
 * plans' models, subscriptions, artifacts and invitations are named.
 */
async function targetNames(
  services: AppServices,
  tenantId: string,
  rows: { targetType: string; targetId: string }[],
): Promise<Map<string, string>> {
  const ids = (type: string) => [...new Set(rows.filter((r) => r.targetType === type).map((r) => r.targetId))];
  const [models, users, keys, plans, subscriptions, artifacts, invitations] = await Promise.all([
    services.db.model.findMany({ where: { id: { in: ids("model") } }, select: { id: true, slug: true } }),
    services.db.user.findMany({ where: { id: { in: ids("user") } }, select: { id: true, email: true } }),
    services.db.apiKey.findMany({
      where: { id: { in: ids("api_key") }, tenantId },
      select: { id: true, name: true, prefix: true },
    }),
    services.db.plan.findMany({
      where: { id: { in: ids("plan") } },
      select: { id: true, name: true, model: { select: { slug: true } } },
    }),
    services.db.subscription.findMany({
      where: { id: { in: ids("subscription") }, tenantId },
      select: { id: true, model: { select: { slug: true } }, plan: { select: { name: true } } },
    }),
    services.db.artifact.findMany({
      where: { id: { in: ids("artifact") }, tenantId },
      select: { id: true, fileName: true, kind: true },
    }),
    services.db.invitation.findMany({
      where: { id: { in: ids("invitation") }, tenantId },
      select: { id: true, email: true },
    }),
  ]);
  return new Map<string, string>([
    ...models.map((m) => [`model:${m.id}`, m.slug] as const),
    ...users.map((u) => [`user:${u.id}`, u.email] as const),
    ...keys.map((k) => [`api_key:${k.id}`, `"${k.name}" (${k.prefix}…)`] as const),
    ...plans.map((p) => [`plan:${p.id}`, `${p.model.slug}: ${p.name}`] as const),
    ...subscriptions.map((s) => [`subscription:${s.id}`, `${s.model.slug} (${s.plan.name})`] as const),
    ...artifacts.map((a) => [`artifact:${a.id}`, a.fileName ?? `${a.kind.toLowerCase()} ${a.id}`] as const),
    ...invitations.map((i) => [`invitation:${i.id}`, i.email] as const),
  ]);
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
