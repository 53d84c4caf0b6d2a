import { BillingPageDocument } from "@modelmarket/sdk";
import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { LoadError } from "@/components/load-error";
import { gqlAsUser } from "@/lib/api";
import { count, date, money } from "@/lib/format";
import { PayoutButton } from "./payout-button";
import { SpendCapForm } from "./spend-cap-form";

export const metadata: Metadata = { title: "Billing" };
export const dynamic = "force-dynamic";

interface Earnings {
  grossCents: number;
  netCents: number;
  models: { model: string; calls: number; units: number; grossCents: number; netCents: number }[];
}

export default async function BillingPage() {
  const now = new Date();
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const previousStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const result = await gqlAsUser(BillingPageDocument, {
    f: monthStart.toISOString(),
    t: now.toISOString(),
    pf: previousStart.toISOString(),
  });
  if (!result.data) return <LoadError what="billing" errors={result.errors} />;
  const { subscriptions, invoices, upcomingInvoices, thisMonth, lastMonth } = result.data;
  const live = subscriptions.filter((s) => s.status !== "CANCELED");
  return (
    <>
      <h1>Billing</h1>
      <section aria-labelledby="estimate-title">
        <h2 id="estimate-title">Current period estimate</h2>
        {upcomingInvoices.length ? (
          // The API computes this exactly as the month's invoice will be computed.
          <>
            <p data-testid="estimate-total">
              <strong>{upcomingInvoices.map((u) => money(u.totalCents, u.currency)).join(" + ")}</strong>{" "}
              <span className="muted">
                so far this month, as its invoice will say (every plan held this month pays its monthly fee, also one
                canceled or switched since).
              </span>
            </p>
            <details>
              <summary>What makes it up</summary>
              {upcomingInvoices.map((u) => (
                <DataTable
                  key={u.currency}
                  columns={["Line", "Quantity", "Amount"]}
                  rows={u.lines.map((l) => [l.description, count(l.quantity), money(l.amountCents, u.currency)])}
                />
              ))}
            </details>
          </>
        ) : null}
        {live.length === 0 ? (
          <p className="muted">
            No active subscription. <Link href="/">Find a model</Link> to subscribe.
          </p>
        ) : (
          <DataTable
            columns={["Model", "Plan", "Units used / included", "Estimate", "Spend cap", "Period ends"]}
            rowTestId={(i) => `subscription-${live[i]?.model.slug}`}
            rows={live.map((s) => {
              const e = s.estimate;
              return [
                <>
                  <Link href={`/models/${s.model.slug}`}>{s.model.name}</Link>
                  {s.status === "PAST_DUE" ? (
                    <p className="field-error">Past due: calls are stopped until paid.</p>
                  ) : null}
                </>,
                s.plan.name,
                <>
                  <span data-testid="used-units">{count(s.usedUnits)}</span> / {count(s.plan.includedUnits)}
                  <progress
                    max={Math.max(1, s.plan.includedUnits)}
                    value={Math.min(s.usedUnits, s.plan.includedUnits)}
                    aria-label={`${s.model.name}: included units used`}
                  />
                  {e.overageInputTokens !== null && e.overageInputTokens !== undefined ? (
                    e.overageUnits ? (
                      <span className="muted">
                        beyond the plan: {count(e.overageInputTokens)} input and {count(e.overageOutputTokens ?? 0)}{" "}
                        output tokens
                      </span>
                    ) : null
                  ) : e.overageUnits ? (
                    <span className="muted">{count(e.overageUnits)} overage units</span>
                  ) : null}
                </>,
                money(e.totalCents, e.currency),
                <SpendCapForm key="cap" subscriptionId={s.id} capCents={s.spendCapCents} currency={s.plan.currency} />,
                date(s.currentPeriodEnd),
              ];
            })}
          />
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
                  <DataTable
                    columns={["Line", "Quantity", "Amount"]}
                    rows={inv.lines.map((l) => [l.description, count(l.quantity), money(l.amountCents, inv.currency)])}
                  />
                </details>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="earnings-title">
        <h2 id="earnings-title">Earnings from your models</h2>
        <p className="muted">
          Each closed month, your models' invoiced amounts minus the platform fee are paid out to your Stripe account.
        </p>
        {thisMonth.payoutsAvailable ? (
          <PayoutButton />
        ) : (
          <p className="muted" data-testid="payouts-unavailable">
            Payouts to a bank account are not set up on this platform (no Stripe): your earnings are kept in the ledger
            below.
          </p>
        )}
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
                <DataTable
                  columns={["Model", "Calls", "Units", "Gross", "Net (after platform fee)"]}
                  rows={earnings.models.map((m) => [
                    m.model,
                    count(m.calls),
                    count(m.units),
                    money(m.grossCents),
                    money(m.netCents),
                  ])}
                />
              )}
            </div>
          );
        })}
      </section>
    </>
  );
}
