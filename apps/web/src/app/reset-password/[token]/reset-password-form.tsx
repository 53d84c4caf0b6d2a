"use client";
import { ResetPasswordDocument } from "@modelmarket/sdk";
import Link from "next/link";
import { useState } from "react";
import { FormStatus, useFormAction } from "@/components/form-state";

export function ResetPasswordForm({ token }: { token: string }) {
  const [done, setDone] = useState<string | null>(null);
  const action = useFormAction();
  const { busy } = action;

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password"));
    const reset = await action.run(
      ResetPasswordDocument,
      { token, password },
      { failed: "Could not set the password." },
    );
    if (reset) setDone(reset.resetPassword);
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
      <FormStatus message={action.message} />
      <button type="submit" disabled={busy}>
        {busy ? "Saving…" : "Set the new password"}
      </button>
    </form>
  );
}
