"use client";
import { UpdateModelDocument, type Visibility } from "@modelmarket/sdk";
import { useRouter } from "next/navigation";
import { FormStatus, useFormAction } from "@/components/form-state";
import type { OwnModel } from "./page";

/** Description, tags, card and visibility (a private draft goes public here). */
export function EditModelForm({ model }: { model: OwnModel }) {
  const router = useRouter();
  const action = useFormAction();
  const { busy, message } = action;

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    await action.run(
      UpdateModelDocument,
      {
        model: model.slug,
        input: {
          description: String(form.get("description") ?? "").trim(),
          visibility: String(form.get("visibility")) as Visibility,
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
      },
      { failed: "Saving failed.", done: "Saved." },
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
      <FormStatus message={message} />
      <button type="submit" disabled={busy}>
        {busy ? "Saving…" : "Save"}
      </button>
    </form>
  );
}
