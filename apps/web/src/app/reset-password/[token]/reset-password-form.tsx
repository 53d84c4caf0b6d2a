"use client";
import { ResetPasswordDocument } from "@modelmarket/sdk";
import Link from "next/link";
import { useState } from "react";
import { clientGql } from "@/lib/client-gql";

export function ResetPasswordForm({ token }: { token: string }) {
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password"));
    setBusy(true);
    setError(null);
    const result = await clientGql(ResetPasswordDocument, { token, password });
    setBusy(false);
    if (result.errors || !result.data) setError(result.errors?.[0]?.message ?? "Could not set the password.");
    else setDone(result.data.resetPassword);
  }

  if (done) {
    return (
      <p className="ok-box" role="status">
        The password of {done} is changed, and every earlier session has ended. <Link href="/signin">Sign in</Link> with
        it.
      </p>
    );
  }
  return (
    <form className="stack" onSubmit={submit}>
      <label>
        New password (at least 10 characters, not easy to guess)
        <input name="password" type="password" autoComplete="new-password" minLength={10} required />
      </label>
      {error ? (
        <p className="error-box" role="status">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? "Saving…" : "Set the new password"}
      </button>
    </form>
  );
}
