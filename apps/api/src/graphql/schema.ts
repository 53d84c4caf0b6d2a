import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { authChecker } from "./access";
import { AccountResolver } from "./resolvers/account.resolver";
import { ApiKeyResolver } from "./resolvers/api-key.resolver";
import { AuditResolver } from "./resolvers/audit.resolver";
import { BillingResolver } from "./resolvers/billing.resolver";
import { CatalogResolver } from "./resolvers/catalog.resolver";
import { InferenceResolver } from "./resolvers/inference.resolver";
import { MembersResolver } from "./resolvers/members.resolver";
import { ModelLifecycleResolver } from "./resolvers/model-lifecycle.resolver";
import { SubscriptionResolver } from "./resolvers/subscription.resolver";
import { TaskResolver } from "./resolvers/task.resolver";
import { DateTimeScalar } from "./types/scalars";

let built: Promise<GraphQLSchema> | undefined;

/** The API's schema, built once per process from the resolver classes. */
export function buildApiSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [
      AccountResolver,
      ApiKeyResolver,
      AuditResolver,
      BillingResolver,
      CatalogResolver,
      InferenceResolver,
      MembersResolver,
      ModelLifecycleResolver,
      SubscriptionResolver,
      TaskResolver,
    ],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    // Each root field's @Access rule is checked before its resolver runs.
    authChecker,
    authMode: "error",
    // Inputs are validated classes; errors never echo the submitted values back.
    validate: { forbidUnknownValues: false, validationError: { target: false, value: false } },
  });
  return built;
}
