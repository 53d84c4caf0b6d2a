"use client";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { clientGql, fieldErrors } from "@/lib/client-gql";

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }`;

export function SignUpForm() {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = {
      email: String(form.get("email")),
      password: String(form.get("password")),
      tenantName: String(form.get("tenantName")),
    };
    setBusy(true);
    setErrors({});
    setError(null);
    const result = await clientGql(SIGN_UP, { input });
    if (result.errors) {
      setBusy(false);
      const byField = fieldErrors(result.errors);
      setErrors(byField);
      if (!Object.keys(byField).length) setError(result.errors[0]?.message ?? "Sign-up failed.");
      return;
    }
    const signedIn = await signIn("credentials", { email: input.email, password: input.password, redirect: false });
    setBusy(false);
    if (!signedIn || signedIn.error) {
      router.push("/signin");
      return;
    }
    router.push("/");
    router.refresh();
  }

  const fieldError = (name: string) =>
    errors[name] ? (
      <span id={`${name}-error`} className="field-error">
        {errors[name]}
      </span>
    ) : null;

  return (
    <form className="stack" onSubmit={submit}>
      <label>
        Organisation or your name
        <input
          name="tenantName"
          required
          maxLength={80}
          aria-describedby={errors.tenantName ? "tenantName-error" : undefined}
        />
        {fieldError("tenantName")}
      </label>
      <label>
        Email
        <input
          name="email"
          type="email"
          autoComplete="email"
          required
          aria-describedby={errors.email ? "email-error" : undefined}
        />
        {fieldError("email")}
      </label>
      <label>
        Password (at least 10 characters, hard to guess)
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={10}
          required
          aria-describedby={errors.password ? "password-error" : undefined}
        />
        {fieldError("password")}
      </label>
      {error ? (
        <p className="error-box" role="status">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? "Creating your account…" : "Create account"}
      </button>
    </form>
  );
}
