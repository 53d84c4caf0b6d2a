import type { Metadata } from "next";
import Link from "next/link";
import { sameOriginPath } from "@/lib/safe-redirect";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; expired?: string; error?: string }>;
}) {
  const { callbackUrl, expired } = await searchParams;
  // Only same-site paths: an open redirect would let a link send users anywhere after sign-in.
  const next = sameOriginPath(callbackUrl);
  return (
    <section className="card" style={{ maxWidth: 440, margin: "2rem auto" }}>
      <h1>Sign in</h1>
      {expired ? <p className="warn-box">Your session expired; sign in again.</p> : null}
      <SignInForm callbackUrl={next} />
      <p>
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        New here? <Link href="/signup">Create an account</Link>
      </p>
    </section>
  );
}
