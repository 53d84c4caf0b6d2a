"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { clientGql, fieldErrors, uploadArtifact } from "@/lib/client-gql";
import { TASK_LABELS } from "@/lib/format";

/** The files each task needs besides the model, by the role the API expects (docs/publishing.md). */
const TASK_ASSETS: Record<string, { role: string; label: string; accept: string }[]> = {
  TEXT_CLASSIFICATION: [
    { role: "vocab", label: "Tokenizer vocabulary (vocab.txt or SentencePiece JSON)", accept: ".txt,.json" },
    { role: "labels", label: "Labels (JSON array, one per output column)", accept: ".json" },
  ],
  TEXT_EMBEDDING: [
    { role: "vocab", label: "Tokenizer vocabulary (vocab.txt or SentencePiece JSON)", accept: ".txt,.json" },
  ],
  IMAGE_CLASSIFICATION: [{ role: "labels", label: "Labels (JSON array, one per class)", accept: ".json" }],
  OBJECT_DETECTION: [{ role: "labels", label: "Labels (JSON array, one per class id)", accept: ".json" }],
  RECOMMENDATION: [
    { role: "users", label: "User ids (JSON array, in row order)", accept: ".json" },
    { role: "items", label: "Item ids (JSON array, in column order)", accept: ".json" },
  ],
};

const DEFAULT_PREPROCESSING: Record<string, string> = {
  TEXT_CLASSIFICATION: '{ "tokenizer": "wordpiece", "maxLength": 128, "lowercase": true }',
  TEXT_EMBEDDING: '{ "tokenizer": "wordpiece", "maxLength": 128, "lowercase": true }',
  IMAGE_CLASSIFICATION: "",
  OBJECT_DETECTION: "",
  RECOMMENDATION: "",
};

interface PlanDraft {
  name: string;
  monthlyFee: string;
  includedUnits: string;
  pricePer1k: string;
  rateLimitPerMinute: string;
}

const PUBLISH = `mutation($input: PublishModelInput!) { publishModel(input: $input) { slug } }`;

export function PublishWizard() {
  const router = useRouter();
  const [task, setTask] = useState("TEXT_CLASSIFICATION");
  const [preprocessing, setPreprocessing] = useState(DEFAULT_PREPROCESSING.TEXT_CLASSIFICATION as string);
  const [plans, setPlans] = useState<PlanDraft[]>([
    { name: "Free", monthlyFee: "0", includedUnits: "1000", pricePer1k: "0", rateLimitPerMinute: "60" },
  ]);
  const [progress, setProgress] = useState<Record<string, number>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const setPlan = (i: number, field: keyof PlanDraft, value: string) =>
    setPlans((all) => all.map((p, j) => (j === i ? { ...p, [field]: value } : p)));

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setErrors({});
    setError(null);
    const modelFile = form.get("model") as File | null;
    if (!modelFile || modelFile.size === 0) {
      setErrors({ model: "Choose the .onnx file." });
      return;
    }
    if (preprocessing.trim()) {
      try {
        JSON.parse(preprocessing);
      } catch {
        setErrors({ preprocessing: "This is not valid JSON." });
        return;
      }
    }
    setBusy(true);
    try {
      const model = await uploadArtifact(modelFile, "model", modelFile.name, (f) =>
        setProgress((p) => ({ ...p, model: f })),
      );
      if ("error" in model) {
        setErrors({ model: model.error });
        return;
      }
      const assets: Record<string, string> = {};
      for (const asset of TASK_ASSETS[task] ?? []) {
        const file = form.get(`asset-${asset.role}`) as File | null;
        if (!file || file.size === 0) continue; // the API says which required asset is missing
        const up = await uploadArtifact(file, "asset", file.name, (f) =>
          setProgress((p) => ({ ...p, [asset.role]: f })),
        );
        if ("error" in up) {
          setErrors({ [`asset-${asset.role}`]: up.error });
          return;
        }
        assets[asset.role] = up.id;
      }
      if (preprocessing.trim()) {
        const blob = new Blob([preprocessing], { type: "application/json" });
        const up = await uploadArtifact(blob, "asset", "preprocessing.json", () => {});
        if ("error" in up) {
          setErrors({ preprocessing: up.error });
          return;
        }
        assets.preprocessing = up.id;
      }
      const text = (name: string) => String(form.get(name) ?? "").trim();
      const input = {
        name: text("name"),
        description: text("description"),
        task,
        visibility: text("visibility") || "PUBLIC",
        tags: text("tags")
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean),
        artifactId: model.id,
        version: text("version"),
        assets,
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
          // per 1,000 units in currency units → per unit in micros
          unitPriceMicros: Math.round(Number(p.pricePer1k || 0) * 1000),
          rateLimitPerMinute: Math.round(Number(p.rateLimitPerMinute || 0)),
        })),
      };
      const result = await clientGql<{ publishModel: { slug: string } }>(PUBLISH, { input });
      if (result.errors || !result.data) {
        const byField = fieldErrors(result.errors);
        setErrors(byField);
        setError(
          Object.keys(byField).length
            ? "Some fields need your attention (see below)."
            : (result.errors?.[0]?.message ?? "Publishing failed."),
        );
        return;
      }
      router.push(`/models/${result.data.publishModel.slug}`);
    } finally {
      setBusy(false);
    }
  }

  const err = (name: string) =>
    errors[name] ? (
      <span id={`${name}-error`} className="field-error" role="status">
        {errors[name]}
      </span>
    ) : null;
  const described = (name: string) => (errors[name] ? `${name}-error` : undefined);
  const bar = (key: string) =>
    progress[key] !== undefined ? (
      <progress max={1} value={progress[key]} aria-label={`Upload progress of ${key}`}>
        {Math.round((progress[key] ?? 0) * 100)}%
      </progress>
    ) : null;

  return (
    <form className="stack" onSubmit={submit} noValidate>
      {error ? (
        <p className="error-box" role="status">
          {error}
        </p>
      ) : null}
      <fieldset className="card stack">
        <legend>1. Files</legend>
        <label>
          Task
          <select
            name="task"
            value={task}
            onChange={(e) => {
              setTask(e.target.value);
              setPreprocessing(DEFAULT_PREPROCESSING[e.target.value] ?? "");
            }}
            aria-describedby={described("task")}
          >
            {Object.entries(TASK_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          {err("task")}
        </label>
        <label>
          Model (.onnx)
          <input name="model" type="file" accept=".onnx" required aria-describedby={described("model")} />
          {bar("model")}
          {err("model")}
          {err("artifactId")}
        </label>
        {(TASK_ASSETS[task] ?? []).map((a) => (
          <label key={`${task}-${a.role}`}>
            {a.label}
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
          Preprocessing (JSON{task.startsWith("TEXT") ? ", required for text models" : ", optional"})
          <textarea
            name="preprocessing"
            rows={3}
            value={preprocessing}
            onChange={(e) => setPreprocessing(e.target.value)}
            aria-describedby={described("preprocessing")}
          />
          {err("preprocessing")}
          {err("assets")}
        </label>
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
          Tags (comma-separated)
          <input name="tags" placeholder="sentiment, english" aria-describedby={described("tags")} />
          {err("tags")}
        </label>
        <label>
          Visibility
          <select name="visibility" defaultValue="PUBLIC">
            <option value="PUBLIC">Public: listed in the catalog</option>
            <option value="PRIVATE">Private: only your organisation sees it</option>
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
              Included units
              <input
                inputMode="numeric"
                value={p.includedUnits}
                onChange={(e) => setPlan(i, "includedUnits", e.target.value)}
              />
              {err(`plans.${i}.includedUnits`)}
            </label>
            <label>
              Overage (USD / 1k units)
              <input
                inputMode="decimal"
                value={p.pricePer1k}
                onChange={(e) => setPlan(i, "pricePer1k", e.target.value)}
              />
              {err(`plans.${i}.unitPriceMicros`)}
            </label>
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
