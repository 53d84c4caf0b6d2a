import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { reportRange } from "./support/report-range";

type PointRow = {
  start: Date;
  model: string;
  calls: bigint;
  units: bigint;
  input: bigint;
  output: bigint;
  errors: bigint;
};

/**
 * The caller's calls, units (and of them the prompt and generated tokens of generations) and errors per model, per hour (ranges up to two days) or per
 * day, from the usage events: exactly what will be invoiced, plus the failed calls.
 */
export async function usageReport(services: AppServices, caller: Principal | null, input: { from: Date; to: Date }) {
  const principal = requirePrincipal(caller);
  const { from, to } = reportRange(input.from, input.to);
  const bucket = to.getTime() - from.getTime() <= 2 * 86_400_000 ? "hour" : "day";
  const rows = await services.db.$queryRaw<PointRow[]>`
    SELECT date_trunc(${bucket}, e."createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start, m.slug AS model,
           count(*) FILTER (WHERE e.outcome = 'SUCCESS') AS calls,
           coalesce(sum(e.units) FILTER (WHERE e.outcome = 'SUCCESS'), 0) AS units,
           coalesce(sum(e."inputUnits") FILTER (WHERE e.outcome = 'SUCCESS'), 0) AS input,
           coalesce(sum(e.units - e."inputUnits") FILTER (WHERE e.outcome = 'SUCCESS'), 0) AS output,
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
    inputTokens: Number(r.input),
    outputTokens: Number(r.output),
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
