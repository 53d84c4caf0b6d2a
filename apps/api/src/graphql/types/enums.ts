import { ModelTask, SubscriptionStatus, Visibility } from "@modelmarket/db";
import { registerEnumType } from "type-graphql";

// The database enums are the GraphQL enums: one list of values, no mapping to drift.
registerEnumType(ModelTask, { name: "ModelTask" });
registerEnumType(Visibility, { name: "Visibility" });
registerEnumType(SubscriptionStatus, { name: "SubscriptionStatus" });

export { ModelTask, SubscriptionStatus, Visibility };
