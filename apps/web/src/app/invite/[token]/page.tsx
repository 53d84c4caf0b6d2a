import { InvitationPreviewDocument, type InvitationStatus } from "@modelmarket/sdk";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getServerSession } from "next-auth";
import { gql } from "@/lib/api";
import { authOptions } from "@/lib/auth-options";
import { date } from "@/lib/format";
import { AcceptInvitationForm } from "./accept-invitation-form";

export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

const WHY: Record<Exclude<InvitationStatus, "PENDING">, string> = {
  ACCEPTED: "This invitation has already been used.",
  EXPIRED: "This invitation has expired.",
  REVOKED: "This invitation was revoked.",
};

/** Where an invitation link lands: what it offers, and the one step to accept it. */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [result, session] = await Promise.all([
    gql(InvitationPreviewDocument, { token }),
    getServerSession(authOptions),
  ]);
  const invitation = result.data?.invitation;
  // An unknown link is a 404 (./not-found.tsx says what to do), not a page that looks fine.
  if (!invitation && result.errors?.[0]?.extensions?.code === "NOT_FOUND") notFound();
  if (!invitation) {
    return (
      <section className="stack" style={{ maxWidth: 520, margin: "2rem auto" }}>
        <h1>Invitation</h1>
        <p className="error-box" role="status">
          Could not load the invitation: {result.errors?.[0]?.message}
        </p>
      </section>
    );
  }
  const role = invitation.role.toLowerCase();
  return (
    <section className="stack" style={{ maxWidth: 520, margin: "2rem auto" }}>
      <h1>Join {invitation.tenant.name}</h1>
      {invitation.status !== "PENDING" ? (
        <p className="error-box" role="status">
          {WHY[invitation.status]} Ask whoever invited you for a new one.
        </p>
      ) : (
        <>
          <p>
            You are invited to join <strong>{invitation.tenant.name}</strong> on Modelmarket as <strong>{role}</strong>,
            with the address <strong>{invitation.email}</strong>. The invitation works once, until{" "}
            {date(invitation.expiresAt)}.
          </p>
          {session?.user.email && session.user.email !== invitation.email ? (
            <p className="warn-box">
              You are signed in as {session.user.email}; accepting signs you in as {invitation.email}.
            </p>
          ) : null}
          <AcceptInvitationForm
            token={token}
            email={invitation.email}
            organisation={invitation.tenant.name}
            accountExists={invitation.accountExists}
          />
          {invitation.accountExists ? null : (
            <p className="muted">
              Already have an account with another address? <Link href="/signin">Sign in</Link> and ask to be invited at
              that address instead.
            </p>
          )}
        </>
      )}
    </section>
  );
}
