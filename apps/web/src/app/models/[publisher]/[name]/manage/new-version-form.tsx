"use client";
import { PublishVersionDocument } from "@modelmarket/sdk";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormStatus, useFormAction } from "@/components/form-state";
import { VersionFiles } from "@/components/version-files";
import { VersionPreview } from "@/components/version-preview";
import { initialPreprocessing } from "@/lib/preprocessing-start";
import type { TaskInfo } from "@/lib/tasks";
import { uploadVersionFiles } from "@/lib/upload-version-files";

/** A new version: its own file, assets, preprocessing, notes and examples (checked before it is accepted). */
export function NewVersionForm({ slug, task }: { slug: string; task: TaskInfo }) {
  const router = useRouter();
  const [preprocessing, setPreprocessing] = useState(initialPreprocessing(task));
  const [progress, setProgress] = useState<Record<string, number>>({});
  // Refusals of the uploads (before the API is asked), then of the API, per field.
  const [uploadErrors, setUploadErrors] = useState<Record<string, string>>({});
  const action = useFormAction();
  const { message } = action;
  const errors = { ...uploadErrors, ...action.fields };
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
    setUploadErrors({});
    action.clear();
    const files = await action.busyWhile(() =>
      uploadVersionFiles(form, task, (key, f) => setProgress((p) => ({ ...p, [key]: f }))),
    );
    if (!files.ok) {
      setUploadErrors(files.errors);
      return;
    }
    const version = String(form.get("version") ?? "").trim();
    const published = await action.run(
      PublishVersionDocument,
      {
        model: slug,
        input: {
          version,
          artifactId: files.artifactId,
          assets: files.assets,
          notes: String(form.get("notes") ?? "").trim() || null,
          examples: files.examples,
        },
      },
      {
        failed: "Publishing the version failed.",
        done: (data) => `Version ${version} published; the latest is ${data.publishVersion.latestVersion?.version}.`,
      },
    );
    if (published) router.refresh();
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
      <FormStatus message={message} />
      <button type="submit" disabled={action.busy}>
        {action.busy ? "Publishing…" : "Publish version"}
      </button>
    </form>
  );
}
