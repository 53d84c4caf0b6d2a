"use client";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { FormStatus, useFormAction } from "@/components/form-state";

/**
 * Accepts with the invited address's password: the existing account's, or a new one's. The
 * portal's "invitation" sign-in provider calls acceptInvitation and starts the session.
 */
export function AcceptInvitationForm(props: {
  token: string;
  email: string;
  organisation: string;
  accountExists: boolean;
}) {
  const router = useRouter();
  const action = useFormAction();
  const { busy, message: error } = action;
  return (
    <form
      className="card stack"
      aria-label="Accept the invitation"
      onSubmit={async (event) => {
        event.preventDefault();
        const password = String(new FormData(event.currentTarget).get("password") ?? "");
        action.clear();
        const result = await action.busyWhile(() =>
          signIn("invitation", { invitation: props.token, password, redirect: false }),
        );
        if (!result?.ok) {
          action.fail(
            result?.error && result.error !== "CredentialsSignin"
              ? result.error
              : "The invitation could not be accepted; retry.",
          );
          return;
        }
        router.push("/");
        router.refresh();
      }}
    >
      <label>
        Email
        <input value={props.email} readOnly name="email" autoComplete="username" />
      </label>
      <label>
        {props.accountExists ? `Your password for ${props.email}` : "Choose a password (at least 10 characters)"}
        <input
          name="password"
          type="password"
          required
          minLength={props.accountExists ? 1 : 10}
          maxLength={200}
          autoComplete={props.accountExists ? "current-password" : "new-password"}
          aria-describedby={error ? "invite-error" : undefined}
        />
      </label>
      <FormStatus id="invite-error" message={error} />
      <div>
        <button type="submit" disabled={busy}>
          {busy ? "Joining…" : `Join ${props.organisation}`}
        </button>
      </div>
    </form>
  );
}
