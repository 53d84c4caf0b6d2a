import { Field, ID, Int, ObjectType } from "type-graphql";
import { Model, Plan } from "./catalog.type";
import { SubscriptionStatus } from "./enums";
import { DateTimeScalar } from "./scalars";

@ObjectType({
  description:
    "What the current period costs so far, as the invoice will bill it: the monthly fee plus the units " +
    "beyond the plan's included ones, priced exactly and rounded once.",
})
export class PeriodEstimate {
  @Field(() => Int) feeCents: number;
  @Field(() => Int, { description: "Units beyond the plan's included units so far." }) overageUnits: number;
  @Field(() => Int, {
    nullable: true,
    description: "Token plans: of overageUnits, the prompt (input) tokens; null on plans priced per unit.",
  })
  overageInputTokens: number | null;
  @Field(() => Int, {
    nullable: true,
    description: "Token plans: of overageUnits, the generated (output) tokens; null on plans priced per unit.",
  })
  overageOutputTokens: number | null;
  @Field(() => Int) overageCents: number;
  @Field(() => Int) totalCents: number;
  @Field({ description: "ISO 4217 code, lower case (the plan's currency)." }) currency: string;
}

@ObjectType("ModelSubscription")
export class ModelSubscription {
  @Field(() => ID) id: string;
  @Field(() => Model) model: Model;
  @Field(() => Plan) plan: Plan;
  @Field(() => SubscriptionStatus) status: SubscriptionStatus;
  @Field(() => DateTimeScalar) currentPeriodStart: Date;
  @Field(() => DateTimeScalar) currentPeriodEnd: Date;
  @Field(() => Int, { description: "Units used in the current period." }) usedUnits: number;
  @Field(() => Int, {
    nullable: true,
    description: "Hard cap on what one period may cost, in cents (setSpendCap); null = no cap.",
  })
  spendCapCents: number | null;
  @Field(() => PeriodEstimate) estimate: PeriodEstimate;
}
