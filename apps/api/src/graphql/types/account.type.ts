import { Field, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "An organisation: the unit that owns models, keys, subscriptions and invoices." })
export class Tenant {
  @Field(() => ID) id: string;
  @Field() slug: string;
  @Field() name: string;
}

@ObjectType({ description: "A person, as seen in the organisation their session (or key) acts in." })
export class User {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field(() => Tenant, { description: "The active organisation." }) tenant: Tenant;
  /** "owner", "admin", "developer" or "billing" (resolved in account.resolver.ts). */
  @Field(() => String, {
    description: 'Role in the active organisation, lower-case: "owner", "admin", "developer" or "billing".',
  })
  role: string;
}

@ObjectType()
export class Session {
  @Field({ description: "Signed, expiring session token: send it as `Authorization: Bearer <token>`." })
  token: string;
  @Field(() => User) user: User;
}
