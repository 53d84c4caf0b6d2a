/**
 * All of the product's money arithmetic, in one place and without I/O. Amounts are integers:
 * cents for what is invoiced, micros (millionths of the currency unit, 10,000 per cent) for unit
 * prices and per-call amounts, so that sums are exact. Rounding happens once per invoice line
 * (half up), never per call or per subscription.
 */

export const MICROS_PER_CENT = 10_000;

/** Micros to cents, rounding half up: once per invoice line. */
export function microsToCents(micros: bigint): number {
  const per = BigInt(MICROS_PER_CENT);
  return Number((micros + per / 2n) / per);
}

/** An amount of cents as people read it in its currency: 900, "usd" → "$9.00"; 1250, "chf" → "CHF 12.50". */
export function formatCents(cents: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);
}

/** Micros as a decimal number of cents, exact (Stripe's `unit_amount_decimal`): 333_333 → "33.3333". */
export function microsToCentsDecimal(micros: number): string {
  const whole = Math.floor(micros / MICROS_PER_CENT);
  const fraction = String(micros % MICROS_PER_CENT)
    .padStart(4, "0")
    .replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/**
 * Units of a call beyond the plan's included units, given the period's units before it:
 * calls that cross the boundary pay only for their part beyond it.
 */
export function billedUnits(unitsBefore: number, units: number, includedUnits: number): number {
  const overBefore = Math.max(0, unitsBefore - includedUnits);
  const overAfter = Math.max(0, unitsBefore + units - includedUnits);
  return overAfter - overBefore;
}

/** What `units` billed units cost, in micros (exact). */
export function unitsAmountMicros(units: number, unitPriceMicros: number): bigint {
  return BigInt(units) * BigInt(unitPriceMicros);
}

/** The platform's share of one priced invoice line, in cents (rounded once, on the line). */
export function platformFeeCents(lineCents: number, feePercent: number): number {
  return Math.round((lineCents * feePercent) / 100);
}

/** A plan form's "price per 1,000 units" (in the currency) as the plan's micros per unit. */
export function pricePer1kToMicros(pricePer1k: number): number {
  // 1 currency unit = 1,000,000 micros; per 1,000 units → per unit: × 1,000.
  return Math.round(pricePer1k * 1_000);
}

export interface PeriodEstimate {
  feeCents: number;
  /** Units beyond the included ones so far. */
  overageUnits: number;
  /** Token plans: of overageUnits, the prompt (input) and generated (output) tokens; null otherwise. */
  overageInputTokens: number | null;
  overageOutputTokens: number | null;
  overageCents: number;
  totalCents: number;
}

/** A period's usage of one subscription, summed from its usage events. */
export interface PeriodUsage {
  billedUnits: number;
  billedOutputUnits: number;
  amountMicros: bigint;
}

/** One overage line of a period's invoice: what it counts, how many, and its cents (rounded once). */
export interface OverageLine {
  what: "units" | "input tokens" | "output tokens";
  quantity: number;
  amountCents: number;
  /** The price as the line says it: "250 micros each", "$0.15 per million". */
  price: string;
}

type PricedPlan = TokenPrices & { unitPriceMicros: number; currency: string };

/**
 * THE overage lines of a subscription's period, for its invoice and its estimate alike: a plan
 * priced per unit has one, from the exact sum of its calls' amounts; a token plan has one for
 * input and one for output tokens, each its token sum times its price per million. Lines with
 * nothing to bill are left out.
 */
export function overageLines(plan: PricedPlan, usage: PeriodUsage): OverageLine[] {
  if (!isTokenPriced(plan)) {
    if (usage.billedUnits <= 0) return [];
    return [
      {
        what: "units",
        quantity: usage.billedUnits,
        amountCents: microsToCents(usage.amountMicros),
        price: `${plan.unitPriceMicros} micros each`,
      },
    ];
  }
  const input = usage.billedUnits - usage.billedOutputUnits;
  const lines: OverageLine[] = [];
  for (const [what, quantity, price] of [
    ["input tokens", input, plan.inputPricePerMillionMicros],
    ["output tokens", usage.billedOutputUnits, plan.outputPricePerMillionMicros],
  ] as const) {
    if (quantity <= 0) continue;
    lines.push({
      what,
      quantity,
      amountCents: tokensAmountCents(quantity, price),
      price: `${formatPricePerMillion(price ?? 0, plan.currency)} per million`,
    });
  }
  return lines;
}

/**
 * What a subscription's period costs so far, as its invoice will say: the monthly fee line plus
 * the overage lines (overageLines: the same computation as the invoice).
 */
export function periodEstimate(plan: PricedPlan & { monthlyFeeCents: number }, usage: PeriodUsage): PeriodEstimate {
  const overageCents = overageLines(plan, usage).reduce((sum, line) => sum + line.amountCents, 0);
  const tokens = isTokenPriced(plan);
  return {
    feeCents: plan.monthlyFeeCents,
    overageUnits: usage.billedUnits,
    overageInputTokens: tokens ? usage.billedUnits - usage.billedOutputUnits : null,
    overageOutputTokens: tokens ? usage.billedOutputUnits : null,
    overageCents,
    totalCents: plan.monthlyFeeCents + overageCents,
  };
}

/** A price per million tokens in micros as people read it: 150000, "usd" → "$0.15". */
export function formatPricePerMillion(pricePerMillionMicros: number, currency: string): string {
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
    maximumFractionDigits: 6,
  }).format(pricePerMillionMicros / 1_000_000);
}

/**
 * Token prices are per million tokens, in micros (150_000 = 0.15 per million, as LLM price
 * lists say): a token count times such a price is an amount in picos (10^-12 of the currency
 * unit), exact in integers. 10^10 picos per cent.
 */
const PICOS_PER_CENT = 10_000_000_000n;
const PICOS_PER_MICRO = 1_000_000n;

/** A plan that prices tokens (input and output separately) instead of units. */
export interface TokenPrices {
  inputPricePerMillionMicros: number | null;
  outputPricePerMillionMicros: number | null;
}

export function isTokenPriced(plan: TokenPrices): boolean {
  return plan.inputPricePerMillionMicros !== null || plan.outputPricePerMillionMicros !== null;
}

/** A call's tokens beyond the included ones, as input and output: its generated tokens are its last. */
export function billedTokens(billed: number, outputTokens: number): { input: number; output: number } {
  const output = Math.min(billed, outputTokens);
  return { input: billed - output, output };
}

/** What `tokens` cost at a price per million tokens, in cents, rounded half up: once per invoice line. */
export function tokensAmountCents(tokens: number, pricePerMillionMicros: number | null): number {
  const picos = BigInt(tokens) * BigInt(pricePerMillionMicros ?? 0);
  return Number((picos + PICOS_PER_CENT / 2n) / PICOS_PER_CENT);
}

/** One token call's amount, in micros rounded half up (its receipt; invoices price token sums). */
export function tokensAmountMicros(billed: { input: number; output: number }, plan: TokenPrices): bigint {
  const picos =
    BigInt(billed.input) * BigInt(plan.inputPricePerMillionMicros ?? 0) +
    BigInt(billed.output) * BigInt(plan.outputPricePerMillionMicros ?? 0);
  return (picos + PICOS_PER_MICRO / 2n) / PICOS_PER_MICRO;
}

/** A price per million tokens in micros as a decimal number of cents per token (Stripe's `unit_amount_decimal`). */
export function perMillionMicrosToCentsDecimal(pricePerMillionMicros: number): string {
  const per = PICOS_PER_CENT;
  const picos = BigInt(pricePerMillionMicros);
  const whole = picos / per;
  const fraction = String(picos % per)
    .padStart(10, "0")
    .replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/** A plan form's "price per 1M tokens" (in the currency) as micros per million tokens. */
export function pricePerMillionToMicros(pricePerMillion: number): number {
  return Math.round(pricePerMillion * 1_000_000);
}

/** Prompt (input) and generated (output) tokens of a token-metered call. */
export interface TokenCount {
  input: number;
  output: number;
}

/**
 * A token call's settlement: it reserved `reserved` tokens of which `billed` were beyond the
 * included ones (its last ones: billedTokens), and used `used`. What it did not use comes off
 * the reservation's end — its generated tokens first —, so its billed tokens are the reserved
 * ones less the unused, split again with the generated ones last; `giveBack` is what goes
 * back to the period's billed counters.
 */
export function settleTokens(
  reserved: TokenCount,
  billed: TokenCount,
  used: TokenCount,
): { billed: TokenCount; giveBack: TokenCount & { units: number } } {
  const unused = Math.max(0, reserved.input + reserved.output - used.input - used.output);
  const settled = billedTokens(Math.max(0, billed.input + billed.output - unused), used.output);
  return {
    billed: settled,
    giveBack: {
      units: unused,
      input: Math.max(0, billed.input - settled.input),
      output: Math.max(0, billed.output - settled.output),
    },
  };
}
