import { MemberRole, ModelTask, SubscriptionStatus, Visibility } from "@modelmarket/db";
import { registerEnumType } from "type-graphql";

// The database enums are the GraphQL enums: one list of values, no mapping to drift.
registerEnumType(ModelTask, { name: "ModelTask" });
registerEnumType(Visibility, { name: "Visibility" });
registerEnumType(SubscriptionStatus, { name: "SubscriptionStatus" });
registerEnumType(MemberRole, {
  name: "MemberRole",
  description: "A member's role in an organisation; docs/teams.md lists the scopes of each.",
});

export { MemberRole, ModelTask, SubscriptionStatus, Visibility };
