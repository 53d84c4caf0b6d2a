"use client";
import { PortalSignUpDocument } from "@modelmarket/sdk";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { FieldError, FormStatus, useFormAction } from "@/components/form-state";

export function SignUpForm() {
  const router = useRouter();
  const action = useFormAction();
  const { busy, fields: errors } = action;

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = {
      email: String(form.get("email")),
      password: String(form.get("password")),
      tenantName: String(form.get("tenantName")),
    };
    const signedUp = await action.run(
      PortalSignUpDocument,
      { input },
      { failed: "Sign-up failed.", byField: ["tenantName", "email", "password"] },
    );
    if (!signedUp) return;
    const signedIn = await action.busyWhile(() =>
      signIn("credentials", { email: input.email, password: input.password, redirect: false }),
    );
    if (!signedIn || signedIn.error) {
      router.push("/signin");
      return;
    }
    router.push("/");
    router.refresh();
  }

  const fieldError = (name: string) => <FieldError name={name} fields={errors} />;

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
      <FormStatus message={action.message} />
      <button type="submit" disabled={busy}>
        {busy ? "Creating your account…" : "Create account"}
      </button>
    </form>
  );
}
