import type { Metadata } from "next";
import Link from "next/link";
import { ForgotPasswordForm } from "./forgot-password-form";

export const metadata: Metadata = { title: "Forgot your password" };

/** Asks for a reset link by mail; the answer is the same whether the address has an account. */
export default function ForgotPasswordPage() {
  return (
    <section className="card" style={{ maxWidth: 440, margin: "2rem auto" }}>
      <h1>Forgot your password</h1>
      <ForgotPasswordForm />
      <p>
        <Link href="/signin">Back to sign in</Link>
      </p>
    </section>
  );
}
