"use client";
import { useRouter } from "next/navigation";
import { SessionProvider, useSession } from "next-auth/react";
import { useState } from "react";

/** Creates another organisation owned by the signed-in person and switches to it. */
export function NewOrganisationForm() {
  return (
    <SessionProvider>
      <Form />
    </SessionProvider>
  );
}

function Form() {
  const { update } = useSession();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="card stack"
      aria-label="Create an organisation"
      style={{ marginTop: "2rem" }}
      onSubmit={async (event) => {
        event.preventDefault();
        const name = String(new FormData(event.currentTarget).get("organisation") ?? "").trim();
        setBusy(true);
        setError(null);
        const before = (await fetch("/api/auth/session").then((r) => r.json())) as { user?: { tenantSlug?: string } };
        const after = await update({ createOrganisation: name });
        setBusy(false);
        if (!after || after.user.tenantSlug === before.user?.tenantSlug) {
          setError("Could not create it: the name needs at least two letters or digits (80 characters at most).");
          return;
        }
        router.push("/team");
        router.refresh();
      }}
    >
      <h2 style={{ margin: 0 }}>New organisation</h2>
      <p className="muted" style={{ margin: 0 }}>
        Start another organisation (a company, a side project); you will own it and can switch between them in the
        header.
      </p>
      <label>
        Organisation name
        <input name="organisation" required minLength={2} maxLength={80} />
      </label>
      {error ? (
        <p className="error-box" role="status">
          {error}
        </p>
      ) : null}
      <div>
        <button type="submit" className="secondary" disabled={busy}>
          {busy ? "Creating…" : "Create organisation"}
        </button>
      </div>
    </form>
  );
}
