"use client";
import { RequestPasswordResetDocument } from "@modelmarket/sdk";
import { useState } from "react";
import { clientGql } from "@/lib/client-gql";

export function ForgotPasswordForm() {
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email"));
    setBusy(true);
    setError(null);
    const result = await clientGql(RequestPasswordResetDocument, { email });
    setBusy(false);
    if (result.errors) setError(result.errors[0]?.message ?? "Could not ask for a reset link.");
    else setSent(email);
  }

  if (sent) {
    return (
      <p className="ok-box" role="status">
        If {sent} has an account, a link to choose a new password is on its way (it works once, for an hour).
      </p>
    );
  }
  return (
    <form className="stack" onSubmit={submit}>
      <label>
        Email
        <input name="email" type="email" autoComplete="email" required />
      </label>
      {error ? (
        <p className="error-box" role="status">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? "Sending…" : "Mail me a reset link"}
      </button>
    </form>
  );
}
