import { badInput } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";

const MAX_RANGE_DAYS = 366;

function range(from: Date, to: Date): { from: Date; to: Date } {
  if (!(from < to)) throw badInput("`from` must be before `to`.", "from");
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    throw badInput(`A report covers at most ${MAX_RANGE_DAYS} days.`, "to");
  }
  return { from, to };
}

type PointRow = { start: Date; model: string; calls: bigint; units: bigint; errors: bigint };

/**
 * The caller's calls, units and errors per model, per hour (ranges up to two days) or per
 * day, from the usage events: exactly what will be invoiced, plus the failed calls.
 */
export async function usageReport(services: AppServices, caller: Principal | null, input: { from: Date; to: Date }) {
  const principal = requirePrincipal(caller);
  const { from, to } = range(input.from, input.to);
  const bucket = to.getTime() - from.getTime() <= 2 * 86_400_000 ? "hour" : "day";
  const rows = await services.db.$queryRaw<PointRow[]>`
    SELECT date_trunc(${bucket}, e."createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start, m.slug AS model,
           count(*) FILTER (WHERE e.outcome = 'SUCCESS') AS calls,
           coalesce(sum(e.units) FILTER (WHERE e.outcome = 'SUCCESS'), 0) AS units,
           count(*) FILTER (WHERE e.outcome = 'ERROR') AS errors
    FROM "UsageEvent" e
    JOIN "ModelVersion" v ON v.id = e."modelVersionId"
    JOIN "Model" m ON m.id = v."modelId"
    WHERE e."tenantId" = ${principal.tenantId} AND e."createdAt" >= ${from} AND e."createdAt" < ${to}
    GROUP BY 1, 2 ORDER BY 1, 2`;
  const points = rows.map((r) => ({
    start: new Date(r.start),
    model: r.model,
    calls: Number(r.calls),
    units: Number(r.units),
    errors: Number(r.errors),
  }));
  return {
    from,
    to,
    totalUnits: points.reduce((s, p) => s + p.units, 0),
    totalCalls: points.reduce((s, p) => s + p.calls, 0),
    points,
  };
}

/** What one billed call cost and why; null for an unknown id or another tenant's call. */
export async function receipt(services: AppServices, caller: Principal | null, requestId: string) {
  const principal = requirePrincipal(caller);
  const event = await services.db.usageEvent.findUnique({
    where: { requestId },
    include: { modelVersion: { include: { model: { select: { slug: true } } } } },
  });
  if (!event || event.tenantId !== principal.tenantId || event.outcome !== "SUCCESS") return null;
  return {
    requestId: event.requestId,
    model: event.modelVersion.model.slug,
    version: event.modelVersion.version,
    units: event.units,
    amountMicros: Number(event.amountMicros),
    createdAt: event.createdAt,
  };
}

/** The caller's invoices, newest period first. */
export async function listInvoices(services: AppServices, caller: Principal | null) {
  const principal = requirePrincipal(caller);
  const invoices = await services.db.invoice.findMany({
    where: { tenantId: principal.tenantId },
    include: { lines: { orderBy: { id: "asc" } } },
    orderBy: { periodStart: "desc" },
  });
  const slugs = new Map(
    (
      await services.db.model.findMany({
        where: { id: { in: invoices.flatMap((i) => i.lines.map((l) => l.modelId ?? "")).filter(Boolean) } },
        select: { id: true, slug: true },
      })
    ).map((m) => [m.id, m.slug]),
  );
  return invoices.map((i) => ({
    ...i,
    lines: i.lines.map((l) => ({ ...l, model: l.modelId ? (slugs.get(l.modelId) ?? null) : null })),
  }));
}

type EarningRow = { model: string; calls: bigint; units: bigint };

/**
 * What a publisher's models earned: calls and units from the usage events in the range, and
 * money from the payout ledger of the periods closed within it (gross, and net of the
 * platform fee).
 */
export async function earnings(services: AppServices, caller: Principal | null, input: { from: Date; to: Date }) {
  const principal = requirePrincipal(caller);
  const { from, to } = range(input.from, input.to);
  const usage = await services.db.$queryRaw<EarningRow[]>`
    SELECT m.slug AS model, count(*) AS calls, coalesce(sum(e.units), 0) AS units
    FROM "UsageEvent" e
    JOIN "ModelVersion" v ON v.id = e."modelVersionId"
    JOIN "Model" m ON m.id = v."modelId"
    WHERE m."publisherTenantId" = ${principal.tenantId} AND e.outcome = 'SUCCESS'
      AND e."createdAt" >= ${from} AND e."createdAt" < ${to}
    GROUP BY 1`;
  const payouts = await services.db.payoutEntry.groupBy({
    by: ["modelId"],
    where: { publisherTenantId: principal.tenantId, periodStart: { gte: from, lt: to } },
    _sum: { grossCents: true, netCents: true },
  });
  const models = await services.db.model.findMany({
    where: { publisherTenantId: principal.tenantId },
    select: { id: true, slug: true },
  });
  const byModel = new Map<
    string,
    { model: string; calls: number; units: number; grossCents: number; netCents: number }
  >();
  const entry = (slug: string) => {
    let e = byModel.get(slug);
    if (!e) {
      e = { model: slug, calls: 0, units: 0, grossCents: 0, netCents: 0 };
      byModel.set(slug, e);
    }
    return e;
  };
  for (const u of usage) Object.assign(entry(u.model), { calls: Number(u.calls), units: Number(u.units) });
  for (const p of payouts) {
    const slug = models.find((m) => m.id === p.modelId)?.slug ?? p.modelId;
    Object.assign(entry(slug), { grossCents: p._sum.grossCents ?? 0, netCents: p._sum.netCents ?? 0 });
  }
  const list = [...byModel.values()].sort((a, b) => a.model.localeCompare(b.model));
  return {
    from,
    to,
    grossCents: list.reduce((s, m) => s + m.grossCents, 0),
    netCents: list.reduce((s, m) => s + m.netCents, 0),
    models: list,
  };
}
