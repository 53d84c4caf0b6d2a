"use client";
import { type ModelTask, PreviewVersionDocument, type PreviewVersionMutation } from "@modelmarket/sdk";
import { takesImages } from "@modelmarket/tasks";
import { useState } from "react";
import { FormStatus, useFormAction } from "@/components/form-state";
import type { TaskInfo } from "@/lib/tasks";
import { uploadVersionFiles } from "@/lib/upload-version-files";

type Preview = PreviewVersionMutation["previewVersion"];

/**
 * "Check before publishing": uploads the enclosing form's files, and shows what the model
 * will receive (a sample image as the platform resizes it) and its answers to the examples,
 * computed exactly as published versions are served. Nothing is published.
 */
export function VersionPreview({ task }: { task: TaskInfo }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const action = useFormAction();
  const { busy } = action;
  const imageTask = takesImages(task.task);

  async function check(button: HTMLButtonElement) {
    const form = button.form;
    if (!form) return;
    action.clear();
    setPreview(null);
    const data = new FormData(form);
    const files = await action.busyWhile(() => uploadVersionFiles(data, task, () => {}));
    if (!files.ok) {
      action.fail(Object.values(files.errors).join(" "));
      return;
    }
    const sample = data.get("sample") as File | null;
    const imageBase64 = sample && sample.size > 0 ? await toBase64(sample) : null;
    const result = await action.run(
      PreviewVersionDocument,
      {
        i: {
          task: task.task as ModelTask,
          artifactId: files.artifactId,
          assets: files.assets,
          examples: files.examples,
          imageBase64,
        },
      },
      { failed: "The check failed." },
    );
    if (result) setPreview(result.previewVersion);
  }

  return (
    <section className="stack" aria-label="Check before publishing">
      {imageTask ? (
        <label>
          Sample image (optional): see it as the model will
          <input name="sample" type="file" accept="image/png,image/jpeg" />
        </label>
      ) : null}
      <div>
        <button type="button" className="secondary" disabled={busy} onClick={(e) => void check(e.currentTarget)}>
          {busy ? "Checking…" : "Check before publishing"}
        </button>
      </div>
      <div aria-live="polite">
        <FormStatus message={action.message} />
        {preview ? (
          <div className="card stack" data-testid="version-preview">
            <p className="ok-box">
              The graph fits the conventions of {task.displayName.toLowerCase()}
              {preview.examples.length
                ? preview.examples.every((x) => x.ok)
                  ? ", and it answers every example as declared."
                  : ", but not every example is answered as declared (below)."
                : "."}
            </p>
            {preview.warnings.map((w) => (
              <p key={w} className="warn-box">
                {w}
              </p>
            ))}
            {preview.modelInput ? (
              <figure style={{ margin: 0 }}>
                {/* biome-ignore lint/performance/noImgElement: a data URL from the API, nothing to optimise */}
                <img
                  src={`data:image/png;base64,${preview.modelInput}`}
                  alt="Your sample as the model receives it"
                  style={{ imageRendering: "pixelated", maxWidth: "100%", border: "1px solid #ccc" }}
                />
                <figcaption className="muted">
                  The sample resized as declared (before scaling and normalisation).
                </figcaption>
              </figure>
            ) : null}
            {preview.modelInputChannels.length ? (
              <table data-testid="model-input-channels">
                <caption>What the model receives after scaling and normalisation, per channel</caption>
                <thead>
                  <tr>
                    <th scope="col">Channel</th>
                    <th scope="col">Min</th>
                    <th scope="col">Mean</th>
                    <th scope="col">Max</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.modelInputChannels.map((c) => (
                    <tr key={c.channel}>
                      <td>{c.channel}</td>
                      <td>{c.min.toFixed(3)}</td>
                      <td>{c.mean.toFixed(3)}</td>
                      <td>{c.max.toFixed(3)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {preview.examples.map((x) => (
              <p key={x.name} className={x.ok ? "ok-box" : "error-box"}>
                Example {x.name}: expected {x.expected}, the model answered {x.answered}.
              </p>
            ))}
            {!preview.examples.length ? <p className="muted">No examples to check.</p> : null}
          </div>
        ) : null}
      </div>
    </section>
  );
}

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
