// Money is integers everywhere (cents, micros); formatting happens only here.

import { formatPricePerMillion } from "@modelmarket/domain/money";

export function money(cents: number, currency = "usd"): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);
}

/** A per-unit price in micros, shown per 1,000 units (what a reader can compare). */
export function pricePer1k(micros: number, currency = "usd"): string {
  return `${new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
    maximumFractionDigits: 4,
  }).format((micros * 1000) / 1_000_000)} / 1k units`;
}

/** An amount in micros (a call's receipt), to the micro: 1650, "usd" → "$0.00165". */
export function microsMoney(micros: number, currency = "usd"): string {
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: 2,
    maximumFractionDigits: 6,
  }).format(micros / 1_000_000);
}

/** A price per million tokens in micros, as LLM price lists say it: 500000 → "$0.50 / 1M". */
export function pricePer1M(micros: number, currency = "usd"): string {
  return `${formatPricePerMillion(micros, currency)} / 1M`;
}

export interface PlanPricing {
  unitPriceMicros: number;
  inputPricePerMillionMicros?: number | null;
  outputPricePerMillionMicros?: number | null;
  currency: string;
}

/** What a plan meters: tokens (generation plans price input and output tokens) or units. */
export function meteredWord(plan: PlanPricing): "tokens" | "units" {
  return plan.inputPricePerMillionMicros != null || plan.outputPricePerMillionMicros != null ? "tokens" : "units";
}

/**
 * What a plan charges beyond its included units, as its card says it, or null when it has no
 * overage: "$0.02 / 1k units", or for token plans "$0.50 / 1M input tokens, $1.50 / 1M output tokens".
 */
export function overagePrice(plan: PlanPricing): string | null {
  if (meteredWord(plan) === "tokens") {
    const input = plan.inputPricePerMillionMicros ?? 0;
    const output = plan.outputPricePerMillionMicros ?? 0;
    if (input === 0 && output === 0) return null;
    return `${pricePer1M(input, plan.currency)} input tokens, ${pricePer1M(output, plan.currency)} output tokens`;
  }
  return plan.unitPriceMicros > 0 ? pricePer1k(plan.unitPriceMicros, plan.currency) : null;
}

export function count(n: number): string {
  return new Intl.NumberFormat("en-US").format(n);
}

export function date(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleDateString("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
}

export interface MetricFigure {
  name: string;
  value: number;
  unit: string | null;
}

/** A metric's value in its unit: "91.2%" for a fraction, "12 ms", "2,979", "1.683". */
export function metricValue({ value, unit }: Omit<MetricFigure, "name">): string {
  if (unit === "fraction") return `${(value * 100).toFixed(1)}%`;
  if (unit === "count") return count(value);
  const number = Number.isInteger(value) ? String(value) : value.toFixed(3);
  return unit ? `${number} ${unit}` : number;
}

/** A version's headline for cards: the publisher's chosen metric, else the first raw figure (older versions). */
export function qualityHeadline(headline: MetricFigure | null | undefined, evaluation?: unknown): string | null {
  return headline ? `${headline.name} ${metricValue(headline)}` : evaluationHeadline(evaluation);
}

/** The first measured figure of an evaluation, e.g. "accuracy 88.2%". */
export function evaluationHeadline(evaluation: unknown): string | null {
  if (!evaluation || typeof evaluation !== "object") return null;
  const numeric = Object.entries(evaluation as Record<string, unknown>).filter(([, v]) => typeof v === "number");
  // A quality metric first (not a count such as "folds" or "sentences").
  const [entry] = [
    ...numeric.filter(([k]) => /accuracy|f1|top1|recall|precision|map|auc/i.test(k)),
    ...numeric.filter(([k]) => /rmse|mae|loss/i.test(k)),
    ...numeric,
  ];
  if (!entry) return null;
  const [name, value] = entry as [string, number];
  const pretty = name.replace(/([a-z])([A-Z0-9])/g, "$1 $2").replace(/_/g, " ");
  return value <= 1 && value >= 0 && !/rmse|loss|error/i.test(name)
    ? `${pretty} ${(value * 100).toFixed(1)}%`
    : `${pretty} ${value.toFixed(3)}`;
}

export interface PlanPrice {
  monthlyFeeCents: number;
  unitPriceMicros: number;
  includedUnits: number;
  currency: string;
}

export function priceFrom(plans: PlanPrice[]): string {
  if (!plans.length) return "No plans";
  const cheapest = [...plans].sort((a, b) => a.monthlyFeeCents - b.monthlyFeeCents)[0] as PlanPrice;
  return cheapest.monthlyFeeCents === 0 ? "Free tier" : `From ${money(cheapest.monthlyFeeCents, cheapest.currency)}/mo`;
}
