import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { reportRange } from "./support/report-range";

type EarningRow = { model: string; calls: bigint; units: bigint };

/**
 * What a publisher's models earned: calls and units from the usage events in the range, and
 * money from the payout ledger of the periods closed within it (gross, and net of the
 * platform fee).
 */
export async function earnings(services: AppServices, caller: Principal | null, input: { from: Date; to: Date }) {
  const principal = requirePrincipal(caller);
  const { from, to } = reportRange(input.from, input.to);
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
    payoutsAvailable: services.stripe !== null,
  };
}
