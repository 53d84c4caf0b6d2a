"use client";
import { CancelSubscriptionDocument, SubscribeDocument } from "@modelmarket/sdk";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormStatus, useFormAction } from "@/components/form-state";
import { count, meteredWord, money, overagePrice } from "@/lib/format";
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
  const action = useFormAction();
  // Which button's operation is running (a plan id, or "cancel").
  const [pending, setPending] = useState<string | null>(null);
  const busy = action.busy ? pending : null;
  const { message } = action;
  // A paid plan, a switch and a cancellation are confirmed first, saying what they cost and
  // end: one click never charges a fee or stops an integration.
  const [confirming, setConfirming] = useState<ModelPlan | "cancel" | null>(null);
  // What ending the current plan means for this month's invoice (no proration: docs, README).
  const ending = subscription
    ? `your ${subscription.plan.name} plan ends now${
        subscription.plan.monthlyFeeCents > 0
          ? ` (its ${money(subscription.plan.monthlyFeeCents, subscription.plan.currency)} fee for this month stays on this month's invoice)`
          : ""
      }`
    : "";

  async function choose(plan: ModelPlan) {
    setConfirming(null);
    setPending(plan.id);
    // Switching plans: the API keeps one live subscription per model, so cancel first.
    if (subscription) {
      const canceled = await action.run(
        CancelSubscriptionDocument,
        { id: subscription.id },
        { failed: "Could not change plan." },
      );
      if (!canceled) return;
    }
    await action.run(
      SubscribeDocument,
      { model: slug, planId: plan.id },
      { failed: "Could not subscribe.", done: `Subscribed to ${plan.name}.` },
    );
    router.refresh();
  }

  async function cancel() {
    if (!subscription) return;
    setConfirming(null);
    setPending("cancel");
    await action.run(
      CancelSubscriptionDocument,
      { id: subscription.id },
      { failed: "Could not cancel.", done: "Subscription canceled." },
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
              <li>
                {count(plan.includedUnits)} {meteredWord(plan)} included each month
              </li>
              <li>
                {overagePrice(plan)
                  ? `then ${overagePrice(plan)}`
                  : `no overage: calls stop at the included ${meteredWord(plan)}`}
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
            ) : current && confirming === "cancel" ? (
              <fieldset className="stack" style={{ border: "none", padding: 0, margin: 0 }}>
                <legend className="visually-hidden">Confirm cancelling {plan.name}</legend>
                <p style={{ margin: 0 }}>
                  Calls to this model stop at once: {ending}. Programs using it get FORBIDDEN until you subscribe again.
                </p>
                <div style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap" }}>
                  <button type="button" className="danger small" onClick={cancel} disabled={busy !== null}>
                    {busy === "cancel" ? "Canceling…" : "Confirm: cancel"}
                  </button>
                  <button type="button" className="secondary small" onClick={() => setConfirming(null)}>
                    Keep it
                  </button>
                </div>
              </fieldset>
            ) : current ? (
              <button
                type="button"
                className="secondary small"
                onClick={() => setConfirming("cancel")}
                disabled={busy !== null}
              >
                Cancel subscription
              </button>
            ) : confirming !== "cancel" && confirming?.id === plan.id ? (
              <fieldset className="stack" style={{ border: "none", padding: 0, margin: 0 }}>
                <legend className="visually-hidden">Confirm {plan.name}</legend>
                <p style={{ margin: 0 }}>
                  {plan.monthlyFeeCents > 0
                    ? `${money(plan.monthlyFeeCents, plan.currency)} is charged for this month and each month after`
                    : `${plan.name} has no monthly fee; its ${count(plan.includedUnits)} ${meteredWord(plan)} a month include what you already used this month`}
                  {overagePrice(plan) ? `, plus ${overagePrice(plan)} beyond the included ${meteredWord(plan)}` : ""}
                  {subscription ? `; ${ending}` : ""}.
                </p>
                <div style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap" }}>
                  <button type="button" className="small" onClick={() => choose(plan)} disabled={busy !== null}>
                    {busy === plan.id
                      ? "Subscribing…"
                      : plan.monthlyFeeCents > 0
                        ? `Confirm: ${money(plan.monthlyFeeCents, plan.currency)} / month`
                        : `Confirm: switch to ${plan.name}`}
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
                onClick={() => (plan.monthlyFeeCents > 0 || subscription ? setConfirming(plan) : choose(plan))}
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
      <FormStatus message={message} />
    </div>
  );
}
