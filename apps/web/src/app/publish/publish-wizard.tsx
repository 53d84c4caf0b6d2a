"use client";
import { pricePer1kToMicros, pricePerMillionToMicros } from "@modelmarket/domain/money";
import { type ModelTask, PublishModelDocument, type Visibility } from "@modelmarket/sdk";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormStatus, useFormAction } from "@/components/form-state";
import { type MetricDraft, MetricsEditor, metricsInput } from "@/components/metrics-editor";
import { VersionFiles } from "@/components/version-files";
import { VersionPreview } from "@/components/version-preview";
import { initialPreprocessing } from "@/lib/preprocessing-start";
import type { TaskInfo } from "@/lib/tasks";
import { uploadVersionFiles } from "@/lib/upload-version-files";

interface PlanDraft {
  name: string;
  monthlyFee: string;
  includedUnits: string;
  pricePer1k: string;
  /** Token-metered tasks (generation): USD per million prompt / generated tokens. */
  inputPer1M: string;
  outputPer1M: string;
  rateLimitPerMinute: string;
}

/** Publishing, driven by the API's task registry: every task-specific field comes from `tasks`. */
export function PublishWizard({ tasks }: { tasks: TaskInfo[] }) {
  const router = useRouter();
  const [task, setTask] = useState(tasks[0]?.task ?? "");
  const taskInfo = tasks.find((t) => t.task === task) as TaskInfo;
  // A generation model's plans price prompt and generated tokens per million (plan-pricing.ts).
  const byToken = taskInfo.meteredBy === "token";
  const [preprocessing, setPreprocessing] = useState(initialPreprocessing(tasks[0]));
  const [plans, setPlans] = useState<PlanDraft[]>([
    {
      name: "Free",
      monthlyFee: "0",
      includedUnits: "1000",
      pricePer1k: "0",
      inputPer1M: "0",
      outputPer1M: "0",
      rateLimitPerMinute: "60",
    },
  ]);
  const [metrics, setMetrics] = useState<MetricDraft[]>([]);
  const [headline, setHeadline] = useState("");
  const [progress, setProgress] = useState<Record<string, number>>({});
  // Refusals of the uploads (before the API is asked), then of the API, per field.
  const [uploadErrors, setUploadErrors] = useState<Record<string, string>>({});
  const action = useFormAction();
  const { busy } = action;
  const errors = { ...uploadErrors, ...action.fields };

  const setPlan = (i: number, field: keyof PlanDraft, value: string) =>
    setPlans((all) => all.map((p, j) => (j === i ? { ...p, [field]: value } : p)));

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setUploadErrors({});
    action.clear();
    const files = await action.busyWhile(() =>
      uploadVersionFiles(form, taskInfo, (key, f) => setProgress((p) => ({ ...p, [key]: f }))),
    );
    if (!files.ok) {
      setUploadErrors(files.errors);
      return;
    }
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const input = {
      name: text("name"),
      description: text("description"),
      task: task as ModelTask,
      visibility: (text("visibility") || "PUBLIC") as Visibility,
      tags: text("tags")
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
      artifactId: files.artifactId,
      version: text("version"),
      assets: files.assets,
      notes: text("notes") || null,
      examples: files.examples,
      metrics: metricsInput(metrics),
      headlineMetric: headline || null,
      card: {
        intendedUse: text("intendedUse") || null,
        limitations: text("limitations") || null,
        license: text("license") || null,
        source: text("source") || null,
      },
      plans: plans.map((p) => ({
        name: p.name.trim(),
        monthlyFeeCents: Math.round(Number(p.monthlyFee || 0) * 100),
        includedUnits: Math.round(Number(p.includedUnits || 0)),
        ...(byToken
          ? {
              unitPriceMicros: 0,
              inputPricePerMillionMicros: pricePerMillionToMicros(Number(p.inputPer1M || 0)),
              outputPricePerMillionMicros: pricePerMillionToMicros(Number(p.outputPer1M || 0)),
            }
          : // per 1,000 units in currency units → per unit in micros
            { unitPriceMicros: pricePer1kToMicros(Number(p.pricePer1k || 0)) }),
        rateLimitPerMinute: Math.round(Number(p.rateLimitPerMinute || 0)),
      })),
    };
    const published = await action.run(
      PublishModelDocument,
      { input },
      { failed: "Publishing failed.", fieldsSummary: "Some fields need your attention (see below)." },
    );
    if (published) router.push(`/models/${published.publishModel.slug}`);
  }

  const err = (name: string) =>
    errors[name] ? (
      <span id={`${name}-error`} className="field-error" role="status">
        {errors[name]}
      </span>
    ) : null;
  const described = (name: string) => (errors[name] ? `${name}-error` : undefined);

  return (
    <form className="stack" onSubmit={submit} noValidate>
      <FormStatus message={action.message} />
      <fieldset className="card stack">
        <legend>1. Files</legend>
        <label>
          Task
          <select
            name="task"
            value={task}
            onChange={(e) => {
              setTask(e.target.value);
              setPreprocessing(initialPreprocessing(tasks.find((t) => t.task === e.target.value)));
            }}
            aria-describedby={described("task")}
          >
            {tasks.map((t) => (
              <option key={t.task} value={t.task}>
                {t.displayName}
              </option>
            ))}
          </select>
          {err("task")}
        </label>
        <VersionFiles
          task={taskInfo}
          preprocessing={preprocessing}
          onPreprocessingChange={setPreprocessing}
          progress={progress}
          err={err}
          described={described}
        />
        <VersionPreview task={taskInfo} />
      </fieldset>

      <fieldset className="card stack">
        <legend>2. Describe it</legend>
        <label>
          Name
          <input name="name" required minLength={2} maxLength={64} aria-describedby={described("name")} />
          {err("name")}
        </label>
        <label>
          Description
          <textarea name="description" rows={3} required maxLength={5000} aria-describedby={described("description")} />
          {err("description")}
        </label>
        <label>
          Version
          <input name="version" defaultValue="1.0.0" required aria-describedby={described("version")} />
          {err("version")}
        </label>
        <label>
          What this version is (release notes, optional)
          <textarea name="notes" rows={2} maxLength={5000} aria-describedby={described("notes")} />
          {err("notes")}
        </label>
        <label>
          Tags (comma-separated)
          <input name="tags" placeholder="sentiment, english" aria-describedby={described("tags")} />
          {err("tags")}
        </label>
        <label>
          Visibility
          <select name="visibility" defaultValue="PRIVATE">
            <option value="PRIVATE">Private draft: only your organisation sees and tries it</option>
            <option value="PUBLIC">Public: listed in the catalog</option>
          </select>
        </label>
        <label>
          Intended use
          <textarea name="intendedUse" rows={2} aria-describedby={described("card.intendedUse")} />
          {err("card.intendedUse")}
        </label>
        <label>
          Limitations
          <textarea name="limitations" rows={2} aria-describedby={described("card.limitations")} />
          {err("card.limitations")}
        </label>
        <label>
          License
          <input name="license" placeholder="e.g. Apache-2.0" aria-describedby={described("card.license")} />
          {err("card.license")}
        </label>
        <label>
          Source (weights and training data)
          <input name="source" aria-describedby={described("card.source")} />
          {err("card.source")}
        </label>
      </fieldset>

      <fieldset className="card stack">
        <legend>Quality (optional)</legend>
        <p className="muted" style={{ margin: 0 }}>
          How well it does, on which data: each metric is shown on the model page as a table, and the one you pick on
          its catalog card. They are shown as declared by you.
        </p>
        <MetricsEditor
          rows={metrics}
          onRows={setMetrics}
          headline={headline}
          onHeadline={setHeadline}
          error={err("metrics") ?? err("headlineMetric")}
        />
      </fieldset>

      <fieldset className="card stack">
        <legend>3. Plans</legend>
        {err("plans")}
        {plans.map((p, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place and keyed by position like the API's errors
          <fieldset key={i} className="plan-row" style={{ border: "none", padding: 0, margin: 0 }}>
            <legend className="visually-hidden">Plan {i + 1}</legend>
            <label>
              Name
              <input value={p.name} onChange={(e) => setPlan(i, "name", e.target.value)} required />
              {err(`plans.${i}.name`)}
            </label>
            <label>
              Monthly fee (USD)
              <input
                inputMode="decimal"
                value={p.monthlyFee}
                onChange={(e) => setPlan(i, "monthlyFee", e.target.value)}
              />
              {err(`plans.${i}.monthlyFeeCents`)}
            </label>
            <label>
              {byToken ? "Included tokens" : "Included units"}
              <input
                inputMode="numeric"
                value={p.includedUnits}
                onChange={(e) => setPlan(i, "includedUnits", e.target.value)}
              />
              {err(`plans.${i}.includedUnits`)}
            </label>
            {byToken ? (
              <>
                <label>
                  Input tokens (USD / 1M)
                  <input
                    inputMode="decimal"
                    value={p.inputPer1M}
                    onChange={(e) => setPlan(i, "inputPer1M", e.target.value)}
                  />
                  {err(`plans.${i}.inputPricePerMillionMicros`)}
                </label>
                <label>
                  Output tokens (USD / 1M)
                  <input
                    inputMode="decimal"
                    value={p.outputPer1M}
                    onChange={(e) => setPlan(i, "outputPer1M", e.target.value)}
                  />
                  {err(`plans.${i}.outputPricePerMillionMicros`)}
                </label>
              </>
            ) : (
              <label>
                Overage (USD / 1k units)
                <input
                  inputMode="decimal"
                  value={p.pricePer1k}
                  onChange={(e) => setPlan(i, "pricePer1k", e.target.value)}
                />
                {err(`plans.${i}.unitPriceMicros`)}
              </label>
            )}
            <label>
              Calls / minute
              <input
                inputMode="numeric"
                value={p.rateLimitPerMinute}
                onChange={(e) => setPlan(i, "rateLimitPerMinute", e.target.value)}
              />
              {err(`plans.${i}.rateLimitPerMinute`)}
            </label>
            {plans.length > 1 ? (
              <button
                type="button"
                className="secondary small"
                onClick={() => setPlans((all) => all.filter((_, j) => j !== i))}
              >
                Remove plan {i + 1}
              </button>
            ) : null}
          </fieldset>
        ))}
        <div>
          <button
            type="button"
            className="secondary small"
            onClick={() =>
              setPlans((all) => [
                ...all,
                {
                  name: "Pro",
                  monthlyFee: "9",
                  includedUnits: "100000",
                  pricePer1k: "0.02",
                  inputPer1M: "0.5",
                  outputPer1M: "1.5",
                  rateLimitPerMinute: "1200",
                },
              ])
            }
          >
            Add a plan
          </button>
        </div>
      </fieldset>

      <button type="submit" disabled={busy}>
        {busy ? "Publishing…" : "Publish"}
      </button>
    </form>
  );
}
