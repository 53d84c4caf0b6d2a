import { badInput } from "./errors";

/**
 * A model version's quality, one figure per metric: what was measured, on which data, in
 * which unit. Declared by the publisher (publishModel/publishVersion `metrics`) or measured by
 * the platform itself (the shipped models); the catalog says which.
 */
export interface EvaluationMetric {
  name: string;
  value: number;
  /** "fraction" (0–1, shown as a percentage), "ms", "count", … or null for a plain score. */
  unit: string | null;
  dataset: string;
  split: string | null;
  description: string | null;
  /** Whether a higher value is better (accuracy) or worse (RMSE, latency); null when it is neither. */
  higherIsBetter: boolean | null;
  source: "PUBLISHER" | "PLATFORM";
}

export type EvaluationMetricInput = Omit<
  EvaluationMetric,
  "source" | "unit" | "split" | "description" | "higherIsBetter"
> &
  Partial<Pick<EvaluationMetric, "unit" | "split" | "description" | "higherIsBetter">>;

export const MAX_METRICS = 30;

/**
 * Checks and normalises a version's metrics: unique names, finite values, a fraction within
 * 0–1, bounded texts; the headline (the figure catalog cards show) must be one of them and
 * defaults to the first.
 */
export function checkMetrics(
  input: readonly EvaluationMetricInput[],
  headline: string | null | undefined,
  source: EvaluationMetric["source"],
): { metrics: EvaluationMetric[]; headline: string | null } {
  if (input.length > MAX_METRICS) throw badInput(`At most ${MAX_METRICS} metrics.`, "metrics");
  const seen = new Set<string>();
  const text = (value: string | null | undefined, max: number, what: string, required = false) => {
    const trimmed = value?.trim() ?? "";
    if (required && !trimmed) throw badInput(`Every metric needs a ${what}.`, "metrics");
    if (trimmed.length > max) throw badInput(`A metric's ${what} is limited to ${max} characters.`, "metrics");
    return trimmed || null;
  };
  const metrics = input.map((m) => {
    const name = text(m.name, 60, "name", true) as string;
    if (seen.has(name.toLowerCase())) throw badInput(`Metric "${name}" is listed twice.`, "metrics");
    seen.add(name.toLowerCase());
    if (!Number.isFinite(m.value)) throw badInput(`Metric "${name}" needs a finite number.`, "metrics");
    const unit = text(m.unit, 20, "unit");
    if (unit === "fraction" && (m.value < 0 || m.value > 1)) {
      throw badInput(`Metric "${name}" is a fraction: its value must be between 0 and 1 (0.912 for 91.2%).`, "metrics");
    }
    return {
      name,
      value: m.value,
      unit,
      dataset: text(m.dataset, 120, "dataset", true) as string,
      split: text(m.split, 40, "split"),
      description: text(m.description, 300, "description"),
      higherIsBetter: m.higherIsBetter ?? null,
      source,
    };
  });
  const wanted = headline?.trim();
  if (wanted && !metrics.some((m) => m.name === wanted)) {
    throw badInput(`The headline metric "${wanted}" is not one of the metrics.`, "headlineMetric");
  }
  return { metrics, headline: wanted || metrics[0]?.name || null };
}

/** A stored metrics list (JSON) as the API shows it; anything malformed is left out. */
export function readMetrics(stored: unknown): EvaluationMetric[] {
  if (!Array.isArray(stored)) return [];
  return stored.filter(
    (m): m is EvaluationMetric =>
      typeof m === "object" && m !== null && typeof m.name === "string" && typeof m.value === "number",
  );
}
