import type { Metadata } from "next";
import Link from "next/link";
import { gqlAsUser } from "@/lib/api";
import { count, date, money } from "@/lib/format";
import { SpendCapForm } from "./spend-cap-form";

export const metadata: Metadata = { title: "Billing" };
export const dynamic = "force-dynamic";

interface Subscription {
  id: string;
  status: string;
  usedUnits: number;
  spendCapCents: number | null;
  currentPeriodStart: string;
  currentPeriodEnd: string;
  model: { slug: string; name: string };
  plan: { name: string; monthlyFeeCents: number; includedUnits: number; unitPriceMicros: number; currency: string };
}
interface Invoice {
  id: string;
  periodStart: string;
  periodEnd: string;
  status: string;
  currency: string;
  totalCents: number;
  lines: { description: string; model: string | null; quantity: number; amountCents: number }[];
}
interface Earnings {
  grossCents: number;
  netCents: number;
  models: { model: string; calls: number; units: number; grossCents: number; netCents: number }[];
}

const BILLING = `query($f: DateTime!, $t: DateTime!, $pf: DateTime!) {
  subscriptions { id status usedUnits spendCapCents currentPeriodStart currentPeriodEnd
    model { slug name } plan { name monthlyFeeCents includedUnits unitPriceMicros currency } }
  invoices { id periodStart periodEnd status currency totalCents lines { description model quantity amountCents } }
  thisMonth: earnings(from: $f, to: $t) { grossCents netCents models { model calls units grossCents netCents } }
  lastMonth: earnings(from: $pf, to: $f) { grossCents netCents models { model calls units grossCents netCents } }
}`;

/** What a live subscription costs so far this period: its fee plus overage beyond the included units. */
function estimate(s: Subscription): { overageUnits: number; cents: number } {
  const overageUnits = Math.max(0, s.usedUnits - s.plan.includedUnits);
  return { overageUnits, cents: s.plan.monthlyFeeCents + Math.round((overageUnits * s.plan.unitPriceMicros) / 10_000) };
}

export default async function BillingPage() {
  const now = new Date();
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const previousStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const result = await gqlAsUser<{
    subscriptions: Subscription[];
    invoices: Invoice[];
    thisMonth: Earnings;
    lastMonth: Earnings;
  }>(BILLING, { f: monthStart.toISOString(), t: now.toISOString(), pf: previousStart.toISOString() });
  if (!result.data) return <p className="error-box">Could not load billing: {result.errors?.[0]?.message}</p>;
  const { subscriptions, invoices, thisMonth, lastMonth } = result.data;
  const live = subscriptions.filter((s) => s.status !== "CANCELED");
  const byCurrency = new Map<string, number>();
  for (const s of live) byCurrency.set(s.plan.currency, (byCurrency.get(s.plan.currency) ?? 0) + estimate(s).cents);
  return (
    <>
      <h1>Billing</h1>
      <section aria-labelledby="estimate-title">
        <h2 id="estimate-title">Current period estimate</h2>
        {live.length === 0 ? (
          <p className="muted">
            No active subscription. <Link href="/">Find a model</Link> to subscribe.
          </p>
        ) : (
          <>
            <p data-testid="estimate-total">
              <strong>{[...byCurrency.entries()].map(([c, cents]) => money(cents, c)).join(" + ")}</strong>{" "}
              <span className="muted">
                so far this period (fees plus overage; subscriptions canceled this month still pay their fee).
              </span>
            </p>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col">Plan</th>
                    <th scope="col">Units used / included</th>
                    <th scope="col">Estimate</th>
                    <th scope="col">Spend cap</th>
                    <th scope="col">Period ends</th>
                  </tr>
                </thead>
                <tbody>
                  {live.map((s) => {
                    const e = estimate(s);
                    return (
                      <tr key={s.id} data-testid={`subscription-${s.model.slug}`}>
                        <td>
                          <Link href={`/models/${s.model.slug}`}>{s.model.name}</Link>
                          {s.status === "PAST_DUE" ? (
                            <p className="field-error">Past due: calls are stopped until paid.</p>
                          ) : null}
                        </td>
                        <td>{s.plan.name}</td>
                        <td>
                          <span data-testid="used-units">{count(s.usedUnits)}</span> / {count(s.plan.includedUnits)}
                          <progress
                            max={Math.max(1, s.plan.includedUnits)}
                            value={Math.min(s.usedUnits, s.plan.includedUnits)}
                            aria-label={`${s.model.name}: included units used`}
                          />
                          {e.overageUnits ? <span className="muted">{count(e.overageUnits)} overage units</span> : null}
                        </td>
                        <td>{money(e.cents, s.plan.currency)}</td>
                        <td>
                          <SpendCapForm subscriptionId={s.id} capCents={s.spendCapCents} currency={s.plan.currency} />
                        </td>
                        <td>{date(s.currentPeriodEnd)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>

      <section aria-labelledby="invoices-title">
        <h2 id="invoices-title">Invoices</h2>
        {invoices.length === 0 ? (
          <p className="muted">No invoice yet: a month is invoiced once it closes.</p>
        ) : (
          <ul className="stack" style={{ listStyle: "none", padding: 0 }}>
            {invoices.map((inv) => (
              <li key={inv.id} className="card">
                <details>
                  <summary>
                    {date(inv.periodStart)} – {date(inv.periodEnd)} ·{" "}
                    <strong>{money(inv.totalCents, inv.currency)}</strong> · {inv.status.toLowerCase()}
                  </summary>
                  <div className="table-wrap" style={{ marginTop: "0.5rem" }}>
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">Line</th>
                          <th scope="col">Quantity</th>
                          <th scope="col">Amount</th>
                        </tr>
                      </thead>
                      <tbody>
                        {inv.lines.map((l, i) => (
                          // biome-ignore lint/suspicious/noArrayIndexKey: invoice lines are immutable and ordered
                          <tr key={i}>
                            <td>{l.description}</td>
                            <td>{count(l.quantity)}</td>
                            <td>{money(l.amountCents, inv.currency)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </details>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="earnings-title">
        <h2 id="earnings-title">Earnings from your models</h2>
        {[
          ["This month (closed periods only are paid out)", thisMonth],
          ["Last month", lastMonth],
        ].map(([label, e]) => {
          const earnings = e as Earnings;
          return (
            <div key={label as string} className="card" style={{ marginBottom: "1rem" }}>
              <h3 style={{ marginTop: 0 }}>{label as string}</h3>
              {earnings.models.length === 0 ? (
                <p className="muted">Nothing earned in this period.</p>
              ) : (
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Model</th>
                        <th scope="col">Calls</th>
                        <th scope="col">Units</th>
                        <th scope="col">Gross</th>
                        <th scope="col">Net (after platform fee)</th>
                      </tr>
                    </thead>
                    <tbody>
                      {earnings.models.map((m) => (
                        <tr key={m.model}>
                          <td>{m.model}</td>
                          <td>{count(m.calls)}</td>
                          <td>{count(m.units)}</td>
                          <td>{money(m.grossCents)}</td>
                          <td>{money(m.netCents)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          );
        })}
      </section>
    </>
  );
}
