"use client";
import { ConnectPayoutAccountDocument } from "@modelmarket/sdk";
import { FormStatus, useFormAction } from "@/components/form-state";

/** Publishers: Stripe Connect onboarding (the API creates the account once and returns a link). */
export function PayoutButton() {
  const action = useFormAction();
  const { busy, message } = action;

  async function start() {
    const data = await action.run(ConnectPayoutAccountDocument, {}, { failed: "Could not start the payout set-up." });
    if (data) window.location.assign(data.connectPayoutAccount.url);
  }

  return (
    <div className="stack" style={{ gap: "0.5rem" }}>
      <div>
        <button type="button" className="secondary small" onClick={start} disabled={busy}>
          {busy ? "Opening Stripe…" : "Set up payouts with Stripe"}
        </button>
      </div>
      <FormStatus
        className="warn-box"
        message={message && { ok: false, text: `${message.text} Your earnings stay in the ledger below.` }}
      />
    </div>
  );
}
