"use client";
import type { TaskInfo } from "@/lib/tasks";

/**
 * The files of a model version, as the task registry says the task needs them: the .onnx
 * file, each asset, the preprocessing declaration (empty unless the publisher writes one: the
 * task's example is only a placeholder, never applied) and
 * the examples the platform checks through the serving path before accepting the version.
 */
export function VersionFiles({
  task,
  preprocessing,
  onPreprocessingChange,
  progress,
  err,
  described,
}: {
  task: TaskInfo;
  preprocessing: string;
  onPreprocessingChange: (value: string) => void;
  progress: Record<string, number>;
  err: (name: string) => React.ReactNode;
  described: (name: string) => string | undefined;
}) {
  const bar = (key: string) =>
    progress[key] !== undefined ? (
      <progress max={1} value={progress[key]} aria-label={`Upload progress of ${key}`}>
        {Math.round((progress[key] ?? 0) * 100)}%
      </progress>
    ) : null;
  return (
    <>
      <p className="muted">{task.summary}</p>
      <label>
        Model (.onnx)
        <input name="model" type="file" accept=".onnx" required aria-describedby={described("model")} />
        {bar("model")}
        {err("model")}
        {err("artifactId")}
      </label>
      {task.assets.map((a) => (
        <label key={`${task.task}-${a.role}`}>
          {a.label}
          {a.required ? " (required)" : ""}
          <input
            name={`asset-${a.role}`}
            type="file"
            accept={a.accept}
            aria-describedby={described(`asset-${a.role}`)}
          />
          {bar(a.role)}
          {err(`asset-${a.role}`)}
        </label>
      ))}
      <label>
        Preprocessing (JSON, optional; empty = the platform's defaults: RGB, or grey for a 1-channel model, scaled to
        0..1 and stretched to the model's size; see the recipes in docs/publishing.md)
        <textarea
          name="preprocessing"
          rows={3}
          value={preprocessing}
          placeholder={task.preprocessingExample ? `e.g. ${task.preprocessingExample}` : undefined}
          onChange={(e) => onPreprocessingChange(e.target.value)}
          aria-describedby={described("preprocessing")}
        />
        {err("preprocessing")}
        {err("assets")}
      </label>
      <label>
        Examples (JSON, optional): inputs and the answers they must get, checked before the version is accepted
        <textarea
          name="examples"
          rows={3}
          placeholder='[{"name": "happy review", "text": "I loved it", "expect": {"label": "positive"}}]'
          aria-describedby={described("examples")}
        />
        {err("examples")}
      </label>
      {err("task")}
    </>
  );
}
