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
  overageCents: number;
  totalCents: number;
}

/**
 * What a subscription's period costs so far, as its invoice will say: the monthly fee line plus
 * the overage line, whose cents come from the exact sum of the period's per-call amounts.
 */
export function periodEstimate(
  plan: { monthlyFeeCents: number },
  usage: { billedUnits: number; amountMicros: bigint },
): PeriodEstimate {
  const overageCents = microsToCents(usage.amountMicros);
  return {
    feeCents: plan.monthlyFeeCents,
    overageUnits: usage.billedUnits,
    overageCents,
    totalCents: plan.monthlyFeeCents + overageCents,
  };
}
