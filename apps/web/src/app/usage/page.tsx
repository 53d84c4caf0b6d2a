import { UsageDocument } from "@modelmarket/sdk";
import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { LoadError } from "@/components/load-error";
import { gqlAsUser } from "@/lib/api";
import { count } from "@/lib/format";
import { UsageCharts } from "./usage-charts";

export const metadata: Metadata = { title: "Usage" };
export const dynamic = "force-dynamic";

const RANGES = [1, 7, 30, 90] as const;

export default async function UsagePage({ searchParams }: { searchParams: Promise<{ days?: string }> }) {
  const requested = Number((await searchParams).days);
  const days = (RANGES as readonly number[]).includes(requested) ? requested : 7;
  const to = new Date();
  const from = new Date(to.getTime() - days * 86_400_000);
  const result = await gqlAsUser(UsageDocument, {
    from: from.toISOString(),
    to: new Date(to.getTime() + 60_000).toISOString(),
  });
  const usage = result.data?.usage;
  const byModel = new Map<string, { calls: number; units: number; input: number; output: number; errors: number }>();
  for (const p of usage?.points ?? []) {
    const m = byModel.get(p.model) ?? { calls: 0, units: 0, input: 0, output: 0, errors: 0 };
    m.calls += p.calls;
    m.units += p.units;
    m.input += p.inputTokens;
    m.output += p.outputTokens;
    m.errors += p.errors;
    byModel.set(p.model, m);
  }
  const errors = [...byModel.values()].reduce((s, m) => s + m.errors, 0);
  return (
    <>
      <h1>Usage</h1>
      <nav aria-label="Range" className="tabs">
        {RANGES.map((d) => (
          <Link
            key={d}
            href={`/usage?days=${d}`}
            aria-current={d === days ? "page" : undefined}
            className={`button small ${d === days ? "" : "secondary"}`}
          >
            {d === 1 ? "24 hours" : `${d} days`}
          </Link>
        ))}
      </nav>
      {result.errors || !usage ? (
        <LoadError what="usage" errors={result.errors} />
      ) : (
        <>
          <div className="stat-row" style={{ margin: "1rem 0" }}>
            <div className="card stat">
              <span className="muted">Calls</span>
              <strong data-testid="total-calls">{count(usage.totalCalls)}</strong>
            </div>
            <div className="card stat">
              <span className="muted">Units</span>
              <strong data-testid="total-units">{count(usage.totalUnits)}</strong>
            </div>
            <div className="card stat">
              <span className="muted">Failed calls (not billed)</span>
              <strong>{count(errors)}</strong>
              <span className="muted small-print">
                calls the model could not answer; calls refused before running (quota, rate limit, bad input) are
                neither billed nor counted here
              </span>
            </div>
          </div>
          {usage.points.length === 0 ? (
            <p className="muted">
              No calls in this range yet. Try a model in its playground or call it with an API key.
            </p>
          ) : (
            <>
              <UsageCharts points={usage.points} days={days} from={from.toISOString()} to={to.toISOString()} />
              <h2>Per model</h2>
              <DataTable
                columns={["Model", "Calls", "Units", "Input tokens", "Output tokens", "Errors"]}
                rows={[...byModel.entries()].map(([model, m]) => [
                  <Link key="m" href={`/models/${model}`}>
                    {model}
                  </Link>,
                  count(m.calls),
                  count(m.units),
                  // Generation models meter tokens: of their units, the prompt's and the generated ones.
                  m.input || m.output ? count(m.input) : "—",
                  m.input || m.output ? count(m.output) : "—",
                  count(m.errors),
                ])}
              />
            </>
          )}
        </>
      )}
    </>
  );
}
