"use client";
import { useRouter } from "next/navigation";
import { SessionProvider, useSession } from "next-auth/react";
import { FormStatus, useFormAction } from "@/components/form-state";

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
  const action = useFormAction();
  const { busy } = action;
  return (
    <form
      className="card stack"
      aria-label="Create an organisation"
      style={{ marginTop: "2rem" }}
      onSubmit={async (event) => {
        event.preventDefault();
        const name = String(new FormData(event.currentTarget).get("organisation") ?? "").trim();
        action.clear();
        const { before, after } = await action.busyWhile(async () => {
          const before = (await fetch("/api/auth/session").then((r) => r.json())) as { user?: { tenantSlug?: string } };
          return { before, after: await update({ createOrganisation: name }) };
        });
        if (!after || after.user.tenantSlug === before.user?.tenantSlug) {
          action.fail("Could not create it: the name needs at least two letters or digits (80 characters at most).");
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
      <FormStatus message={action.message} />
      <div>
        <button type="submit" className="secondary" disabled={busy}>
          {busy ? "Creating…" : "Create organisation"}
        </button>
      </div>
    </form>
  );
}
