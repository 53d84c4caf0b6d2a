"use client";
import { SetSpendCapDocument } from "@modelmarket/sdk";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormStatus, useFormAction } from "@/components/form-state";
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
  const action = useFormAction();

  async function save(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const raw = String(new FormData(event.currentTarget).get("cap") ?? "").trim();
    const cents = raw === "" ? null : Math.round(Number(raw) * 100);
    if (cents !== null && (!Number.isFinite(cents) || cents < 0)) {
      action.fail("Enter an amount such as 25.00, or leave empty for no cap.");
      return;
    }
    const saved = await action.run(
      SetSpendCapDocument,
      { subscriptionId, capCents: cents },
      { failed: "Could not set the cap." },
    );
    if (!saved) return;
    setEditing(false);
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
      <FormStatus message={action.message} className="field-error" />
      <button type="submit" className="small" disabled={action.busy}>
        Save
      </button>
    </form>
  );
}
