import { Field, ID, Int, ObjectType } from "type-graphql";
import { Model, Plan } from "./catalog.type";
import { SubscriptionStatus } from "./enums";
import { DateTimeScalar } from "./scalars";

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
}
