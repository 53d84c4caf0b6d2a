"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { clientGql } from "@/lib/client-gql";
import type { OwnModel } from "./page";

const UPDATE = `mutation($m: String!, $i: UpdateModelInput!) { updateModel(model: $m, input: $i) { visibility } }`;

/** Description, tags, card and visibility (a private draft goes public here). */
export function EditModelForm({ model }: { model: OwnModel }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    const result = await clientGql(UPDATE, {
      m: model.slug,
      i: {
        description: String(form.get("description") ?? "").trim(),
        visibility: String(form.get("visibility")),
        tags: String(form.get("tags") ?? "")
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean),
        card: Object.fromEntries(
          (["intendedUse", "limitations", "license", "source"] as const).map((k) => [
            k,
            String(form.get(k) ?? "").trim() || null,
          ]),
        ),
      },
    });
    setBusy(false);
    setMessage(
      result.errors ? { ok: false, text: result.errors[0]?.message ?? "Saving failed." } : { ok: true, text: "Saved." },
    );
    router.refresh();
  }

  return (
    <form className="card stack" onSubmit={submit} aria-label="Edit model">
      <label>
        Description
        <textarea name="description" rows={3} defaultValue={model.description} maxLength={5000} required />
      </label>
      <label>
        Tags (comma-separated)
        <input name="tags" defaultValue={model.tags.join(", ")} />
      </label>
      <label>
        Intended use
        <textarea name="intendedUse" rows={2} defaultValue={model.card?.intendedUse ?? ""} />
      </label>
      <label>
        Limitations
        <textarea name="limitations" rows={2} defaultValue={model.card?.limitations ?? ""} />
      </label>
      <label>
        License
        <input name="license" defaultValue={model.card?.license ?? ""} />
      </label>
      <label>
        Source (weights and training data)
        <input name="source" defaultValue={model.card?.source ?? ""} />
      </label>
      <label>
        Visibility
        <select name="visibility" defaultValue={model.visibility}>
          <option value="PRIVATE">Private draft: only your organisation sees it</option>
          <option value="PUBLIC">Public: listed in the catalog</option>
        </select>
      </label>
      {message ? (
        <p className={message.ok ? "ok-box" : "error-box"} role="status">
          {message.text}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? "Saving…" : "Save"}
      </button>
    </form>
  );
}
