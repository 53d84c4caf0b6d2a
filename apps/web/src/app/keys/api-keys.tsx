"use client";
import { type ApiKeysQuery, CreateApiKeyDocument, RevokeApiKeyDocument } from "@modelmarket/sdk";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { CopyButton } from "@/components/copy-button";
import { DataTable } from "@/components/data-table";
import { FormStatus, useFormAction } from "@/components/form-state";
import { date } from "@/lib/format";

export type ApiKeyRow = ApiKeysQuery["apiKeys"][number];

const SCOPES: [string, string][] = [
  ["inference", "Call models"],
  ["billing:read", "Read usage, receipts and invoices"],
  ["billing:write", "Subscribe and set spend caps"],
  ["models:write", "Upload and publish models"],
  ["keys:write", "Create and revoke keys"],
  ["audit:read", "Read the audit log"],
  ["members:read", "See members and invitations"],
  ["members:write", "Invite, change and remove members"],
];

/** `grantable`: the scopes the signed-in member's role holds (a key can carry no more). */
export function ApiKeys({ keys, grantable }: { keys: ApiKeyRow[]; grantable: string[] }) {
  const router = useRouter();
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const action = useFormAction();
  const { busy } = action;
  const [toRevoke, setToRevoke] = useState<ApiKeyRow | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);

  async function create(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const scopes = form.getAll("scopes").map(String);
    const formElement = event.currentTarget;
    const made = await action.run(
      CreateApiKeyDocument,
      { name: String(form.get("name")), scopes },
      { failed: "Could not create the key." },
    );
    if (!made) return;
    setCreated({ name: made.createApiKey.apiKey.name, secret: made.createApiKey.secret });
    formElement?.reset();
    router.refresh();
  }

  function askRevoke(key: ApiKeyRow) {
    setToRevoke(key);
    dialog.current?.showModal();
  }

  async function revoke() {
    if (!toRevoke) return;
    const id = toRevoke.id;
    dialog.current?.close();
    setToRevoke(null);
    await action.run(RevokeApiKeyDocument, { id }, { failed: "Could not revoke the key." });
    router.refresh();
  }

  return (
    <div className="stack">
      <form className="card stack" onSubmit={create} aria-label="Create an API key">
        <h2 style={{ margin: 0 }}>Create a key</h2>
        <label>
          Name
          <input name="name" required maxLength={60} placeholder="e.g. production backend" />
        </label>
        <fieldset style={{ border: "none", padding: 0, margin: 0 }}>
          <legend style={{ fontWeight: 500 }}>Scopes</legend>
          {SCOPES.filter(([scope]) => grantable.includes(scope)).map(([scope, help]) => (
            <label key={scope} className="checkbox">
              <input type="checkbox" name="scopes" value={scope} defaultChecked={scope === "inference"} />
              <span>
                <code>{scope}</code> — {help}
              </span>
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create key"}
        </button>
      </form>
      <FormStatus message={action.message} />
      {created ? (
        <section className="warn-box stack" aria-label="New key secret">
          <strong>Copy the secret of “{created.name}” now: it is shown only once.</strong>
          <span className="secret" data-testid="new-key-secret">
            {created.secret}
          </span>
          <CopyButton key={created.secret} text={created.secret} label="Copy secret" />
        </section>
      ) : null}

      <h2>The organisation&apos;s keys</h2>
      {keys.length === 0 ? (
        // Right after the first key is created the list is still being refreshed: say so
        // instead of "No keys yet." under the new secret.
        <p className="muted">{created ? "Updating the list…" : "No keys yet."}</p>
      ) : (
        <DataTable
          columns={["Name", "Prefix", "Scopes", "Created by", "Created", "Last used", "Status"]}
          rows={keys.map((k) => [
            k.name,
            <code key="prefix">{k.prefix}…</code>,
            k.scopes.join(", "),
            k.handedOverFromEmail && !k.revokedAt ? (
              <span key="holder">
                {k.createdByEmail ?? "—"}
                <br />
                <span className="warn-text">
                  Rotate: handed over from {k.handedOverFromEmail}, who left and may still know the secret
                </span>
              </span>
            ) : (
              (k.createdByEmail ?? "—")
            ),
            date(k.createdAt),
            k.lastUsedAt ? date(k.lastUsedAt) : "never",
            k.revokedAt ? (
              `revoked ${date(k.revokedAt)}`
            ) : (
              <button key="revoke" type="button" className="danger small" onClick={() => askRevoke(k)}>
                Revoke <span className="visually-hidden">{k.name}</span>
              </button>
            ),
          ])}
        />
      )}
      <dialog ref={dialog} aria-labelledby="revoke-title" onClose={() => setToRevoke(null)}>
        <h2 id="revoke-title" style={{ marginTop: 0 }}>
          Revoke “{toRevoke?.name}”?
        </h2>
        <p>Programs using this key stop working at once. This cannot be undone.</p>
        <div style={{ display: "flex", gap: "0.5rem" }}>
          <button type="button" className="danger" onClick={revoke}>
            Revoke key
          </button>
          <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
            Keep it
          </button>
        </div>
      </dialog>
    </div>
  );
}
