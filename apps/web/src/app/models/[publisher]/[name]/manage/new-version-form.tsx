"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { VersionFiles } from "@/components/version-files";
import { VersionPreview } from "@/components/version-preview";
import { clientGql, fieldErrors } from "@/lib/client-gql";
import { initialPreprocessing } from "@/lib/preprocessing-start";
import type { TaskInfo } from "@/lib/tasks";
import { uploadVersionFiles } from "@/lib/upload-version-files";

const PUBLISH_VERSION = `mutation($m: String!, $i: PublishVersionInput!) { publishVersion(model: $m, input: $i) { latestVersion { version } } }`;

/** A new version: its own file, assets, preprocessing, notes and examples (checked before it is accepted). */
export function NewVersionForm({ slug, task }: { slug: string; task: TaskInfo }) {
  const router = useRouter();
  const [preprocessing, setPreprocessing] = useState(initialPreprocessing(task));
  const [progress, setProgress] = useState<Record<string, number>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const err = (name: string) =>
    errors[name] ? (
      <span id={`nv-${name}-error`} className="field-error" role="status">
        {errors[name]}
      </span>
    ) : null;
  const described = (name: string) => (errors[name] ? `nv-${name}-error` : undefined);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setErrors({});
    setMessage(null);
    setBusy(true);
    try {
      const files = await uploadVersionFiles(form, task, (key, f) => setProgress((p) => ({ ...p, [key]: f })));
      if (!files.ok) {
        setErrors(files.errors);
        return;
      }
      const version = String(form.get("version") ?? "").trim();
      const result = await clientGql<{ publishVersion: { latestVersion: { version: string } } }>(PUBLISH_VERSION, {
        m: slug,
        i: {
          version,
          artifactId: files.artifactId,
          assets: files.assets,
          notes: String(form.get("notes") ?? "").trim() || null,
          examples: files.examples,
        },
      });
      if (result.errors || !result.data) {
        const byField = fieldErrors(result.errors);
        setErrors(byField);
        setMessage({ ok: false, text: result.errors?.[0]?.message ?? "Publishing the version failed." });
        return;
      }
      setMessage({
        ok: true,
        text: `Version ${version} published; the latest is ${result.data.publishVersion.latestVersion.version}.`,
      });
      router.refresh();
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label="New version">
      <label>
        Version (semantic: 1.1.0)
        <input name="version" required aria-describedby={described("version")} />
        {err("version")}
      </label>
      <label>
        What changed (release notes)
        <textarea name="notes" rows={2} maxLength={5000} />
      </label>
      <VersionFiles
        task={task}
        preprocessing={preprocessing}
        onPreprocessingChange={setPreprocessing}
        progress={progress}
        err={err}
        described={described}
      />
      <VersionPreview task={task} />
      {message ? (
        <p className={message.ok ? "ok-box" : "error-box"} role="status">
          {message.text}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? "Publishing…" : "Publish version"}
      </button>
    </form>
  );
}
