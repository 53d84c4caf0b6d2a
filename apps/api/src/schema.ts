import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema, type PubSub } from "type-graphql";
import { authChecker } from "./graphql/access";
import { AccountResolver } from "./graphql/resolvers/account.resolver";
import { ApiKeyResolver } from "./graphql/resolvers/api-key.resolver";
import { AuditResolver } from "./graphql/resolvers/audit.resolver";
import { BillingResolver } from "./graphql/resolvers/billing.resolver";
import { CatalogResolver } from "./graphql/resolvers/catalog.resolver";
import { MembersResolver } from "./graphql/resolvers/members.resolver";
import { ModelLifecycleResolver } from "./graphql/resolvers/model-lifecycle.resolver";
import { SubscriptionResolver } from "./graphql/resolvers/subscription.resolver";
import { TaskResolver } from "./graphql/resolvers/task.resolver";
import { DateTimeScalar } from "./graphql/types/scalars";
import { validateArgs } from "./graphql/validate-args";
import { TASK_RESOLVERS } from "./tasks/registry";

let built: Promise<GraphQLSchema> | undefined;

const NO_TOPICS: PubSub = {
  publish() {
    throw new Error("no subscription publishes to topics");
  },
  subscribe() {
    throw new Error("no subscription listens to topics");
  },
};

/** The API's schema, built once per process from the resolver classes. */
export function buildApiSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [
      AccountResolver,
      ApiKeyResolver,
      AuditResolver,
      BillingResolver,
      CatalogResolver,
      MembersResolver,
      ModelLifecycleResolver,
      SubscriptionResolver,
      TaskResolver,
      // Each task module holds its own operation (tasks/<task>/*.resolver.ts).
      ...TASK_RESOLVERS,
    ],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    // Subscriptions here stream their own source (`subscribe`, e.g. generateTextStream): no
    // topics are published, but type-graphql wants a PubSub to build Subscription fields.
    pubSub: NO_TOPICS,
    // Each root field's @Access rule is checked before its resolver runs.
    authChecker,
    authMode: "error",
    // Inputs are validated classes; errors never echo the submitted values back.
    validateFn: validateArgs,
  });
  return built;
}
