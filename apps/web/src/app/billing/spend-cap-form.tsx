"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { clientGql } from "@/lib/client-gql";
import { money } from "@/lib/format";

/** A hard monthly cap: calls that would cost more are refused with QUOTA_EXCEEDED. */
export function SpendCapForm({
  subscriptionId,
  capCents,
  currency,
}: {
  subscriptionId: string;
  capCents: number | null;
  currency: string;
}) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function save(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const raw = String(new FormData(event.currentTarget).get("cap") ?? "").trim();
    const cents = raw === "" ? null : Math.round(Number(raw) * 100);
    if (cents !== null && (!Number.isFinite(cents) || cents < 0)) {
      setError("Enter an amount such as 25.00, or leave empty for no cap.");
      return;
    }
    const result = await clientGql(
      `mutation($s: ID!, $c: Int) { setSpendCap(subscriptionId: $s, capCents: $c) { id } }`,
      {
        s: subscriptionId,
        c: cents,
      },
    );
    if (result.errors) {
      setError(result.errors[0]?.message ?? "Could not set the cap.");
      return;
    }
    setEditing(false);
    setError(null);
    router.refresh();
  }

  if (!editing) {
    return (
      <span>
        {capCents === null ? "none" : money(capCents, currency)}{" "}
        <button type="button" className="link-button" onClick={() => setEditing(true)}>
          change
        </button>
      </span>
    );
  }
  return (
    <form onSubmit={save} className="stack" style={{ gap: "0.4rem" }}>
      <label>
        Cap per month ({currency.toUpperCase()})
        <input name="cap" inputMode="decimal" defaultValue={capCents === null ? "" : (capCents / 100).toFixed(2)} />
      </label>
      {error ? <span className="field-error">{error}</span> : null}
      <button type="submit" className="small">
        Save
      </button>
    </form>
  );
}
