import type { Metadata } from "next";
import { ResetPasswordForm } from "./reset-password-form";

export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

/** Where a reset link lands: a new password, then sign in with it. */
export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <section className="card" style={{ maxWidth: 440, margin: "2rem auto" }}>
      <h1>Choose a new password</h1>
      <ResetPasswordForm token={token} />
    </section>
  );
}
