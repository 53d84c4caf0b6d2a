"use client";
import { pricePer1kToMicros } from "@modelmarket/domain/money";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { DataTable } from "@/components/data-table";
import { clientGql, fieldErrors } from "@/lib/client-gql";
import { count, money, pricePer1k } from "@/lib/format";
import type { OwnModel } from "./page";

const RETIRE = `mutation($m: String!, $p: ID!) { retirePlan(model: $m, planId: $p) { id } }`;
const ADD = `mutation($m: String!, $p: PlanInput!) { addPlan(model: $m, plan: $p) { id } }`;

/**
 * Live plans with Retire (subscribers keep it on the same terms; new ones cannot pick it), and
 * a new plan. A price never changes in place: add the new plan, retire the old one.
 */
export function PlanActions({ slug, plans }: { slug: string; plans: OwnModel["plans"] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});

  async function retire(planId: string) {
    setError(null);
    const result = await clientGql(RETIRE, { m: slug, p: planId });
    if (result.errors) setError(result.errors[0]?.message ?? "Retiring failed.");
    router.refresh();
  }

  async function add(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const number = (name: string) => Number(String(form.get(name) ?? "0") || 0);
    setError(null);
    setFields({});
    const result = await clientGql(ADD, {
      m: slug,
      p: {
        name: String(form.get("name") ?? "").trim(),
        monthlyFeeCents: Math.round(number("monthlyFee") * 100),
        includedUnits: Math.round(number("includedUnits")),
        // per 1,000 units in currency units → per unit in micros
        unitPriceMicros: pricePer1kToMicros(number("pricePer1k")),
        rateLimitPerMinute: Math.round(number("rateLimitPerMinute")),
      },
    });
    if (result.errors) {
      setFields(fieldErrors(result.errors));
      setError(result.errors[0]?.message ?? "Adding the plan failed.");
      return;
    }
    formElement.reset();
    router.refresh();
  }

  return (
    <div className="stack">
      {error ? (
        <p className="error-box" role="status">
          {error}
        </p>
      ) : null}
      <DataTable
        caption="Plans"
        columns={["Plan", "Monthly fee", "Included units", "Overage / 1k", "Calls / minute", ""]}
        rows={plans.map((p) => [
          p.name,
          money(p.monthlyFeeCents, p.currency),
          count(p.includedUnits),
          pricePer1k(p.unitPriceMicros, p.currency),
          count(p.rateLimitPerMinute),
          <button key="retire" type="button" className="secondary small" onClick={() => void retire(p.id)}>
            Retire {p.name}
          </button>,
        ])}
      />
      <form className="card stack" onSubmit={add} aria-label="Add a plan">
        <label>
          Name
          <input name="name" required />
          {fields["plan.name"] ? <span className="field-error">{fields["plan.name"]}</span> : null}
        </label>
        <label>
          Monthly fee (USD)
          <input name="monthlyFee" inputMode="decimal" defaultValue="0" />
        </label>
        <label>
          Included units
          <input name="includedUnits" inputMode="numeric" defaultValue="1000" />
        </label>
        <label>
          Overage (USD / 1k units)
          <input name="pricePer1k" inputMode="decimal" defaultValue="0" />
        </label>
        <label>
          Calls / minute
          <input name="rateLimitPerMinute" inputMode="numeric" defaultValue="60" />
        </label>
        <button type="submit">Add plan</button>
      </form>
    </div>
  );
}
