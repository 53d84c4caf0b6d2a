import { Field, ID, Int, ObjectType } from "type-graphql";
import { DateTimeScalar } from "./scalars";

@ObjectType()
export class UsagePoint {
  @Field(() => DateTimeScalar) start: Date;
  @Field() model: string;
  @Field(() => Int) units: number;
  @Field(() => Int, { description: "Of units: prompt tokens of token-metered calls (text generation)." })
  inputTokens: number;
  @Field(() => Int, { description: "Of units: generated tokens of token-metered calls (text generation)." })
  outputTokens: number;
  @Field(() => Int) calls: number;
  @Field(() => Int) errors: number;
}

@ObjectType()
export class UsageReport {
  @Field(() => DateTimeScalar) from: Date;
  @Field(() => DateTimeScalar) to: Date;
  @Field(() => Int) totalUnits: number;
  @Field(() => Int) totalCalls: number;
  @Field(() => [UsagePoint]) points: UsagePoint[];
}

@ObjectType()
export class InvoiceLine {
  @Field() description: string;
  @Field(() => String, { nullable: true }) model: string | null;
  @Field(() => Int) quantity: number;
  @Field(() => Int) amountCents: number;
}

@ObjectType()
export class Invoice {
  @Field(() => ID) id: string;
  @Field(() => DateTimeScalar) periodStart: Date;
  @Field(() => DateTimeScalar) periodEnd: Date;
  @Field() status: string;
  @Field() currency: string;
  @Field(() => Int) totalCents: number;
  @Field(() => [InvoiceLine]) lines: InvoiceLine[];
}

@ObjectType({
  description:
    "What closing the current month would invoice if it ended now: computed exactly as the close computes the invoice.",
})
export class UpcomingInvoice {
  @Field(() => DateTimeScalar) periodStart: Date;
  @Field(() => DateTimeScalar) periodEnd: Date;
  @Field() currency: string;
  @Field(() => Int) totalCents: number;
  @Field(() => [InvoiceLine]) lines: InvoiceLine[];
}

@ObjectType({ description: "The receipt of one billed call." })
export class UsageReceipt {
  @Field(() => ID) requestId: string;
  @Field() model: string;
  @Field() version: string;
  @Field(() => Int) units: number;
  @Field(() => Int, {
    nullable: true,
    description:
      "Token-metered calls (text generation): of units, the prompt's tokens; null for calls metered per input.",
  })
  inputTokens: number | null;
  @Field(() => Int, {
    nullable: true,
    description: "Token-metered calls: of units, the generated tokens; null for calls metered per input.",
  })
  outputTokens: number | null;
  @Field(() => Int, {
    description:
      "what the call costs the caller, in millionths of the plan's currency unit (token calls: rounded to the micro; the invoice prices the period's token sums exactly)",
  })
  amountMicros: number;
  @Field({ description: "ISO 4217 code, lower case (the plan's currency)." }) currency: string;
  @Field(() => DateTimeScalar) createdAt: Date;
}

@ObjectType()
export class ModelEarnings {
  @Field() model: string;
  @Field(() => Int) calls: number;
  @Field(() => Int) units: number;
  @Field(() => Int) grossCents: number;
  @Field(() => Int) netCents: number;
}

@ObjectType({ description: "What a publisher earns from its models in a period, after the platform fee." })
export class EarningsReport {
  @Field(() => DateTimeScalar) from: Date;
  @Field(() => DateTimeScalar) to: Date;
  @Field(() => Int) grossCents: number;
  @Field(() => Int) netCents: number;
  @Field(() => [ModelEarnings]) models: ModelEarnings[];
  @Field({
    description:
      "Whether earnings can be paid out to a Stripe account here (false when the platform runs without Stripe: they stay in the ledger).",
  })
  payoutsAvailable: boolean;
}

@ObjectType({ description: "Where a publisher finishes (or resumes) Stripe Connect onboarding to receive payouts." })
export class PayoutOnboarding {
  @Field() accountId: string;
  @Field({ description: "Stripe-hosted onboarding page; open it in a browser (it expires after a few minutes)." })
  url: string;
}
