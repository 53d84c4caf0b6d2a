"use client";
// Uploads what a model version is made of — the .onnx file, the task's assets, the
// preprocessing declaration — from a form rendered by <VersionFiles>, for the publish wizard
// and the "New version" form alike.
import { uploadArtifact } from "./client-gql";
import type { TaskInfo } from "./tasks";

export type UploadedVersion =
  | { ok: true; artifactId: string; assets: Record<string, string>; examples: unknown }
  | { ok: false; errors: Record<string, string> };

export async function uploadVersionFiles(
  form: FormData,
  task: TaskInfo,
  onProgress: (key: string, fraction: number) => void,
): Promise<UploadedVersion> {
  const modelFile = form.get("model") as File | null;
  if (!modelFile || modelFile.size === 0) return { ok: false, errors: { model: "Choose the .onnx file." } };
  const preprocessing = String(form.get("preprocessing") ?? "").trim();
  const examplesText = String(form.get("examples") ?? "").trim();
  for (const [field, text] of [
    ["preprocessing", preprocessing],
    ["examples", examplesText],
  ] as const) {
    if (!text) continue;
    try {
      JSON.parse(text);
    } catch {
      return { ok: false, errors: { [field]: "This is not valid JSON." } };
    }
  }
  const model = await uploadArtifact(modelFile, "model", modelFile.name, (f) => onProgress("model", f));
  if ("error" in model) return { ok: false, errors: { model: model.error } };
  const assets: Record<string, string> = {};
  for (const asset of task.assets) {
    const file = form.get(`asset-${asset.role}`) as File | null;
    if (!file || file.size === 0) continue; // the API says which required asset is missing
    const up = await uploadArtifact(file, asset.uploadAs ?? "asset", file.name, (f) => onProgress(asset.role, f));
    if ("error" in up) return { ok: false, errors: { [`asset-${asset.role}`]: up.error } };
    assets[asset.role] = up.id;
  }
  if (preprocessing) {
    const up = await uploadArtifact(
      new Blob([preprocessing], { type: "application/json" }),
      "asset",
      "preprocessing.json",
      () => {},
    );
    if ("error" in up) return { ok: false, errors: { preprocessing: up.error } };
    assets.preprocessing = up.id;
  }
  return { ok: true, artifactId: model.id, assets, examples: examplesText ? JSON.parse(examplesText) : null };
}
