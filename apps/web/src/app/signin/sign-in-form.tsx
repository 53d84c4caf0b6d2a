"use client";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { FormStatus, useFormAction } from "@/components/form-state";

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const action = useFormAction();
  const { busy, message: error } = action;

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    action.clear();
    const result = await action.busyWhile(() =>
      signIn("credentials", {
        email: String(form.get("email")),
        password: String(form.get("password")),
        redirect: false,
      }),
    );
    if (!result || result.error) {
      action.fail(result?.error && result.error !== "CredentialsSignin" ? result.error : "Wrong email or password.");
      return;
    }
    router.push(callbackUrl);
    router.refresh();
  }

  return (
    <form className="stack" onSubmit={submit} aria-describedby={error ? "signin-error" : undefined}>
      <label>
        Email
        <input name="email" type="email" autoComplete="email" required />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <FormStatus id="signin-error" message={error} />
      <button type="submit" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
