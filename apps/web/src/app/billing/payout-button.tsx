"use client";
import { useState } from "react";
import { clientGql } from "@/lib/client-gql";

/** Publishers: Stripe Connect onboarding (the API creates the account once and returns a link). */
export function PayoutButton() {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  async function start() {
    setBusy(true);
    setMessage(null);
    const result = await clientGql<{ connectPayoutAccount: { url: string } }>(
      `mutation { connectPayoutAccount { url } }`,
    );
    setBusy(false);
    const url = result.data?.connectPayoutAccount.url;
    if (url) window.location.assign(url);
    else setMessage(result.errors?.[0]?.message ?? "Could not start the payout set-up.");
  }

  return (
    <div className="stack" style={{ gap: "0.5rem" }}>
      <div>
        <button type="button" className="secondary small" onClick={start} disabled={busy}>
          {busy ? "Opening Stripe…" : "Set up payouts with Stripe"}
        </button>
      </div>
      {message ? (
        <p className="warn-box" role="status">
          {message} Your earnings stay in the ledger below.
        </p>
      ) : null}
    </div>
  );
}
