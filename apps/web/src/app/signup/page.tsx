import type { Metadata } from "next";
import Link from "next/link";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create an account" };

export default function SignUpPage() {
  return (
    <section className="card" style={{ maxWidth: 480, margin: "2rem auto" }}>
      <h1>Create an account</h1>
      <p className="muted">One account for calling models and for publishing your own.</p>
      <SignUpForm />
      <p>
        Already have an account? <Link href="/signin">Sign in</Link>
      </p>
    </section>
  );
}
