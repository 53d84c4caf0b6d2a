/** What a plan charges and allows, as a publisher declares it. Money in integer minor units. */
export interface PlanTerms {
  name: string;
  monthlyFeeCents: number;
  includedUnits: number;
  /** Price per unit beyond includedUnits, in millionths of the currency unit. */
  unitPriceMicros: number;
  /** Token-metered tasks: prices per million input / output tokens, in micros (plan-pricing.ts). */
  inputPricePerMillionMicros?: number | null;
  outputPricePerMillionMicros?: number | null;
  /** ISO 4217, lower-case ("usd"). */
  currency: string;
  rateLimitPerMinute: number;
}

/**
 * Currencies the billing path supports: two-decimal currencies only, because every amount
 * is kept in cents (plans, invoices, payouts) and Stripe charges them in the same unit.
 */
export const SUPPORTED_CURRENCIES = ["usd", "eur", "gbp", "chf", "cad", "aud"] as const;
