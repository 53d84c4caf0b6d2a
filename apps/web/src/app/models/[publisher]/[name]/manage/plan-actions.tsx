"use client";
import { pricePer1kToMicros, pricePerMillionToMicros } from "@modelmarket/domain/money";
import { AddPlanDocument, RetirePlanDocument } from "@modelmarket/sdk";
import { useRouter } from "next/navigation";
import { DataTable } from "@/components/data-table";
import { FieldError, FormStatus, useFormAction } from "@/components/form-state";
import { count, meteredWord, money, overagePrice } from "@/lib/format";
import type { OwnModel } from "./page";

/**
 * Live plans with Retire (subscribers keep it on the same terms; new ones cannot pick it), and
 * a new plan. A price never changes in place: add the new plan, retire the old one. A
 * token-metered task's plans (`byToken`: generation) price input and output tokens per million.
 */
export function PlanActions({ slug, plans, byToken }: { slug: string; plans: OwnModel["plans"]; byToken: boolean }) {
  const router = useRouter();
  const action = useFormAction();

  async function retire(planId: string) {
    await action.run(RetirePlanDocument, { model: slug, planId }, { failed: "Retiring failed." });
    router.refresh();
  }

  async function add(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const number = (name: string) => Number(String(form.get(name) ?? "0") || 0);
    const added = await action.run(
      AddPlanDocument,
      {
        model: slug,
        plan: {
          name: String(form.get("name") ?? "").trim(),
          monthlyFeeCents: Math.round(number("monthlyFee") * 100),
          includedUnits: Math.round(number("includedUnits")),
          ...(byToken
            ? {
                unitPriceMicros: 0,
                // per million tokens in currency units → micros per million tokens
                inputPricePerMillionMicros: pricePerMillionToMicros(number("inputPer1M")),
                outputPricePerMillionMicros: pricePerMillionToMicros(number("outputPer1M")),
              }
            : // per 1,000 units in currency units → per unit in micros
              { unitPriceMicros: pricePer1kToMicros(number("pricePer1k")) }),
          rateLimitPerMinute: Math.round(number("rateLimitPerMinute")),
        },
      },
      {
        failed: "Adding the plan failed.",
        byField: ["plan.name", "plan.inputPricePerMillionMicros", "plan.outputPricePerMillionMicros"],
      },
    );
    if (!added) return;
    formElement.reset();
    router.refresh();
  }

  return (
    <div className="stack">
      <FormStatus message={action.message} />
      <DataTable
        caption="Plans"
        columns={["Plan", "Monthly fee", "Included", "Overage", "Calls / minute", ""]}
        rows={plans.map((p) => [
          p.name,
          money(p.monthlyFeeCents, p.currency),
          `${count(p.includedUnits)} ${meteredWord(p)}`,
          overagePrice(p) ?? "none",
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
          <FieldError name="plan.name" fields={action.fields} />
        </label>
        <label>
          Monthly fee (USD)
          <input name="monthlyFee" inputMode="decimal" defaultValue="0" />
        </label>
        <label>
          {byToken ? "Included tokens (prompt and generated)" : "Included units"}
          <input name="includedUnits" inputMode="numeric" defaultValue={byToken ? "100000" : "1000"} />
        </label>
        {byToken ? (
          <>
            <label>
              Input tokens (USD / 1M)
              <input name="inputPer1M" inputMode="decimal" defaultValue="0" />
              <FieldError name="plan.inputPricePerMillionMicros" fields={action.fields} />
            </label>
            <label>
              Output tokens (USD / 1M)
              <input name="outputPer1M" inputMode="decimal" defaultValue="0" />
              <FieldError name="plan.outputPricePerMillionMicros" fields={action.fields} />
            </label>
          </>
        ) : (
          <label>
            Overage (USD / 1k units)
            <input name="pricePer1k" inputMode="decimal" defaultValue="0" />
          </label>
        )}
        <label>
          Calls / minute
          <input name="rateLimitPerMinute" inputMode="numeric" defaultValue="60" />
        </label>
        <button type="submit">Add plan</button>
      </form>
    </div>
  );
}
