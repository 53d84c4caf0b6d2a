import { Field, ID, ObjectType } from "type-graphql";

@ObjectType()
export class Tenant {
  @Field(() => ID) id: string;
  @Field() slug: string;
  @Field() name: string;
}

@ObjectType()
export class User {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field(() => Tenant) tenant: Tenant;
  /** "owner", "admin" or "member" (resolved in account.resolver.ts). */
  @Field(() => String) role: string;
}

@ObjectType()
export class Session {
  @Field({ description: "Signed, expiring session token: send it as `Authorization: Bearer <token>`." })
  token: string;
  @Field(() => User) user: User;
}
