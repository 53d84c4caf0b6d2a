/** What a plan charges and allows, as a publisher declares it. Money in integer minor units. */
export interface PlanTerms {
  name: string;
  monthlyFeeCents: number;
  includedUnits: number;
  /** Price per unit beyond includedUnits, in millionths of the currency unit. */
  unitPriceMicros: number;
  /** ISO 4217, lower-case ("usd"). */
  currency: string;
  rateLimitPerMinute: number;
}
