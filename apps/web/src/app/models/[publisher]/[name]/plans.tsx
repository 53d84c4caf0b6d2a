"use client";
import { CancelSubscriptionDocument, SubscribeDocument } from "@modelmarket/sdk";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { clientGql } from "@/lib/client-gql";
import { count, money, pricePer1k } from "@/lib/format";
import type { ModelPlan, MySubscription } from "./page";

export function Plans({
  slug,
  plans,
  signedIn,
  subscription,
}: {
  slug: string;
  plans: ModelPlan[];
  signedIn: boolean;
  subscription: MySubscription | null;
}) {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // A paid plan is confirmed with its price first: one click never charges a fee.
  const [confirming, setConfirming] = useState<ModelPlan | null>(null);

  async function choose(plan: ModelPlan) {
    setConfirming(null);
    setBusy(plan.id);
    setMessage(null);
    // Switching plans: the API keeps one live subscription per model, so cancel first.
    if (subscription) {
      const canceled = await clientGql(CancelSubscriptionDocument, { id: subscription.id });
      if (canceled.errors) {
        setBusy(null);
        setMessage({ ok: false, text: canceled.errors[0]?.message ?? "Could not change plan." });
        return;
      }
    }
    const result = await clientGql(SubscribeDocument, { model: slug, planId: plan.id });
    setBusy(null);
    if (result.errors) setMessage({ ok: false, text: result.errors[0]?.message ?? "Could not subscribe." });
    else setMessage({ ok: true, text: `Subscribed to ${plan.name}.` });
    router.refresh();
  }

  async function cancel() {
    if (!subscription) return;
    setBusy("cancel");
    const result = await clientGql(CancelSubscriptionDocument, { id: subscription.id });
    setBusy(null);
    setMessage(
      result.errors
        ? { ok: false, text: result.errors[0]?.message ?? "Could not cancel." }
        : { ok: true, text: "Subscription canceled." },
    );
    router.refresh();
  }

  return (
    <div className="stack">
      {plans.map((plan) => {
        const current = subscription?.plan.id === plan.id;
        return (
          <section key={plan.id} className="card" aria-label={`${plan.name} plan`}>
            <h3 style={{ margin: 0 }}>
              {plan.name} {current ? <span className="badge">your plan</span> : null}
            </h3>
            <p style={{ margin: "0.25rem 0" }}>
              <strong>
                {plan.monthlyFeeCents === 0
                  ? "No monthly fee"
                  : `${money(plan.monthlyFeeCents, plan.currency)} / month`}
              </strong>
            </p>
            <ul className="muted" style={{ margin: "0 0 0.5rem", paddingLeft: "1.1rem" }}>
              <li>{count(plan.includedUnits)} units included each month</li>
              <li>
                {plan.unitPriceMicros > 0
                  ? `then ${pricePer1k(plan.unitPriceMicros, plan.currency)}`
                  : "no overage: calls stop at the included units"}
              </li>
              <li>{count(plan.rateLimitPerMinute)} calls per minute</li>
            </ul>
            {!signedIn ? (
              <Link
                className="button secondary small"
                href={`/signin?callbackUrl=${encodeURIComponent(`/models/${slug}`)}`}
              >
                Sign in to subscribe
              </Link>
            ) : current ? (
              <button type="button" className="secondary small" onClick={cancel} disabled={busy !== null}>
                {busy === "cancel" ? "Canceling…" : "Cancel subscription"}
              </button>
            ) : confirming?.id === plan.id ? (
              <fieldset className="stack" style={{ border: "none", padding: 0, margin: 0 }}>
                <legend className="visually-hidden">Confirm {plan.name}</legend>
                <p style={{ margin: 0 }}>
                  {money(plan.monthlyFeeCents, plan.currency)} is charged for this month and each month after
                  {plan.unitPriceMicros > 0
                    ? `, plus ${pricePer1k(plan.unitPriceMicros, plan.currency)} beyond the included units`
                    : ""}
                  {subscription ? `; your ${subscription.plan.name} plan ends now` : ""}.
                </p>
                <div style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap" }}>
                  <button type="button" className="small" onClick={() => choose(plan)} disabled={busy !== null}>
                    {busy === plan.id
                      ? "Subscribing…"
                      : `Confirm: ${money(plan.monthlyFeeCents, plan.currency)} / month`}
                  </button>
                  <button type="button" className="secondary small" onClick={() => setConfirming(null)}>
                    Not now
                  </button>
                </div>
              </fieldset>
            ) : (
              <button
                type="button"
                className="small"
                onClick={() => (plan.monthlyFeeCents > 0 ? setConfirming(plan) : choose(plan))}
                disabled={busy !== null}
              >
                {busy === plan.id
                  ? "Subscribing…"
                  : subscription
                    ? `Switch to ${plan.name}`
                    : `Subscribe to ${plan.name}`}
              </button>
            )}
          </section>
        );
      })}
      {message ? (
        <p className={message.ok ? "ok-box" : "error-box"} role="status">
          {message.text}
        </p>
      ) : null}
    </div>
  );
}
