import Link from "next/link";

/** An invitation link that matches no invitation (answered with 404). */
export default function InvitationNotFound() {
  return (
    <section className="stack" style={{ maxWidth: 520, margin: "2rem auto" }}>
      <h1>Invitation</h1>
      <p className="error-box" role="status">
        This invitation link is not valid: check that it was copied whole, or ask whoever invited you for a new one.
      </p>
      <p>
        <Link href="/">Go to the catalog</Link>
      </p>
    </section>
  );
}
