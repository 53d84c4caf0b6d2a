import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { cancelSubscription } from "../../use-cases/subscriptions/cancel-subscription";
import { listSubscriptions } from "../../use-cases/subscriptions/list-subscriptions";
import { subscribe } from "../../use-cases/subscriptions/subscribe";
import { Access } from "../access";
import { ModelSubscription } from "../types/subscription.type";

@Resolver(() => ModelSubscription)
export class SubscriptionResolver {
  @Access("billing:read")
  @Query(() => [ModelSubscription])
  subscriptions(@Ctx() ctx: GraphQLContext) {
    return listSubscriptions(ctx.services, ctx.principal);
  }

  @Access("billing:write")
  @Mutation(() => ModelSubscription)
  subscribe(@Arg("model") model: string, @Arg("planId", () => ID) planId: string, @Ctx() ctx: GraphQLContext) {
    return subscribe(ctx.services, ctx.principal, model, planId);
  }

  @Access("billing:write")
  @Mutation(() => ModelSubscription)
  cancelSubscription(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return cancelSubscription(ctx.services, ctx.principal, id);
  }
}
