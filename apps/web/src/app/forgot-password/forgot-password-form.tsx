"use client";
import { RequestPasswordResetDocument } from "@modelmarket/sdk";
import { useState } from "react";
import { FormStatus, useFormAction } from "@/components/form-state";

export function ForgotPasswordForm() {
  const [sent, setSent] = useState<string | null>(null);
  const action = useFormAction();
  const { busy } = action;

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email"));
    const asked = await action.run(
      RequestPasswordResetDocument,
      { email },
      { failed: "Could not ask for a reset link." },
    );
    if (asked) setSent(email);
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
      <FormStatus message={action.message} />
      <button type="submit" disabled={busy}>
        {busy ? "Sending…" : "Mail me a reset link"}
      </button>
    </form>
  );
}
