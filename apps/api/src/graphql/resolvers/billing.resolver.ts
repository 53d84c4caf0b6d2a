import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { earnings } from "../../use-cases/billing/earnings";
import { listInvoices } from "../../use-cases/billing/list-invoices";
import { receipt } from "../../use-cases/billing/receipt";
import { setSpendCap } from "../../use-cases/billing/set-spend-cap";
import { connectPayoutAccount } from "../../use-cases/billing/stripe/connect-payout-account";
import { upcomingInvoices } from "../../use-cases/billing/upcoming-invoices";
import { usageReport } from "../../use-cases/billing/usage-report";
import { Access } from "../access";
import {
  EarningsReport,
  Invoice,
  PayoutOnboarding,
  UpcomingInvoice,
  UsageReceipt,
  UsageReport,
} from "../types/billing.type";
import { DateTimeScalar } from "../types/scalars";
import { ModelSubscription } from "../types/subscription.type";

@Resolver()
export class BillingResolver {
  @Access("billing:read")
  @Query(() => UsageReport, { description: "Calls, units and errors per model and hour or day (scope billing:read)." })
  usage(
    @Arg("from", () => DateTimeScalar) from: Date,
    @Arg("to", () => DateTimeScalar) to: Date,
    @Ctx() ctx: GraphQLContext,
  ) {
    return usageReport(ctx.services, ctx.principal, { from, to });
  }

  @Access("billing:read")
  @Query(() => [Invoice], { description: "The caller's invoices, newest first (scope billing:read)." })
  invoices(@Ctx() ctx: GraphQLContext) {
    return listInvoices(ctx.services, ctx.principal);
  }

  @Access("billing:read")
  @Query(() => [UpcomingInvoice], {
    description:
      "The current month so far, per currency, as its invoice will say (canceled and switched subscriptions pay their fee too) (scope billing:read).",
  })
  upcomingInvoices(@Ctx() ctx: GraphQLContext) {
    return upcomingInvoices(ctx.services, ctx.principal);
  }

  @Access("billing:read")
  @Query(() => UsageReceipt, { nullable: true, description: "What one call cost (scope billing:read)." })
  receipt(@Arg("requestId", () => ID) requestId: string, @Ctx() ctx: GraphQLContext) {
    return receipt(ctx.services, ctx.principal, requestId);
  }

  @Access("billing:read")
  @Query(() => EarningsReport, { description: "What the caller's models earned (scope billing:read)." })
  earnings(
    @Arg("from", () => DateTimeScalar) from: Date,
    @Arg("to", () => DateTimeScalar) to: Date,
    @Ctx() ctx: GraphQLContext,
  ) {
    return earnings(ctx.services, ctx.principal, { from, to });
  }

  @Access("billing:write")
  @Mutation(() => ModelSubscription, {
    description:
      "Sets (or with null removes) a hard cap on what one period of the subscription may cost, in cents (scope billing:write).",
  })
  setSpendCap(
    @Arg("subscriptionId", () => ID) subscriptionId: string,
    @Arg("capCents", () => Int, { nullable: true }) capCents: number | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return setSpendCap(ctx.services, ctx.principal, subscriptionId, capCents);
  }

  @Access("billing:write")
  @Mutation(() => PayoutOnboarding, {
    description:
      "Publishers: creates the tenant's Stripe Connect account once and returns an onboarding link; closed periods' earnings are then transferred to it (scope billing:write; UNAVAILABLE without Stripe).",
  })
  connectPayoutAccount(@Ctx() ctx: GraphQLContext) {
    return connectPayoutAccount(ctx.services, ctx.principal);
  }
}
