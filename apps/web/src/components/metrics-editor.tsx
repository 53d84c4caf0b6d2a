"use client";
import { useState } from "react";

export interface MetricDraft {
  name: string;
  value: string;
  unit: string;
  dataset: string;
  split: string;
  description: string;
}

const EMPTY: MetricDraft = { name: "", value: "", unit: "fraction", dataset: "", split: "test", description: "" };
const UNITS: [string, string][] = [
  ["fraction", "fraction (0–1, shown as %)"],
  ["", "score (no unit)"],
  ["ms", "milliseconds"],
  ["count", "count"],
];

/** The metrics as the API takes them (rows without a name are left out). */
export function metricsInput(rows: MetricDraft[]) {
  return rows
    .filter((r) => r.name.trim())
    .map((r) => ({
      name: r.name.trim(),
      value: Number(r.value),
      unit: r.unit || null,
      dataset: r.dataset.trim(),
      split: r.split.trim() || null,
      description: r.description.trim() || null,
      // Errors and latency: lower is better.
      higherIsBetter: !(r.unit === "ms" || /rmse|mae|error|loss|latency/i.test(r.name)),
    }));
}

/**
 * Quality figures of a version, one row per metric (what, value, unit, dataset, split), and the
 * one the catalog card shows. The figures are the publisher's declaration; the model page says so.
 */
export function MetricsEditor(props: {
  rows: MetricDraft[];
  onRows: (rows: MetricDraft[]) => void;
  headline: string;
  onHeadline: (name: string) => void;
  error?: React.ReactNode;
}) {
  const { rows, onRows, headline, onHeadline } = props;
  const [open, setOpen] = useState(rows.length > 0);
  const set = (i: number, field: keyof MetricDraft, value: string) =>
    onRows(rows.map((r, j) => (j === i ? { ...r, [field]: value } : r)));
  if (!open) {
    return (
      <div>
        <button
          type="button"
          className="secondary small"
          onClick={() => {
            setOpen(true);
            if (rows.length === 0) onRows([{ ...EMPTY }]);
          }}
        >
          Add evaluation metrics
        </button>
      </div>
    );
  }
  return (
    <div className="stack">
      {props.error}
      {rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, by position
        <fieldset key={i} className="plan-row" style={{ border: "none", padding: 0, margin: 0 }}>
          <legend className="visually-hidden">Metric {i + 1}</legend>
          <label>
            Metric
            <input
              value={r.name}
              onChange={(e) => set(i, "name", e.target.value)}
              placeholder="accuracy"
              maxLength={60}
            />
          </label>
          <label>
            Value
            <input
              value={r.value}
              onChange={(e) => set(i, "value", e.target.value)}
              inputMode="decimal"
              placeholder="0.912"
            />
          </label>
          <label>
            Unit
            <select value={r.unit} onChange={(e) => set(i, "unit", e.target.value)}>
              {UNITS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Dataset
            <input
              value={r.dataset}
              onChange={(e) => set(i, "dataset", e.target.value)}
              placeholder="SST-2"
              maxLength={120}
            />
          </label>
          <label>
            Split
            <input value={r.split} onChange={(e) => set(i, "split", e.target.value)} maxLength={40} />
          </label>
          <label>
            About (optional)
            <input value={r.description} onChange={(e) => set(i, "description", e.target.value)} maxLength={300} />
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name="headline-metric"
              checked={headline === r.name && r.name !== ""}
              onChange={() => onHeadline(r.name)}
            />
            <span>Show on the catalog card</span>
          </label>
          <button
            type="button"
            className="secondary small"
            aria-label={`Remove metric ${i + 1}`}
            onClick={() => onRows(rows.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </fieldset>
      ))}
      <div>
        <button type="button" className="secondary small" onClick={() => onRows([...rows, { ...EMPTY }])}>
          Add a metric
        </button>
      </div>
    </div>
  );
}
