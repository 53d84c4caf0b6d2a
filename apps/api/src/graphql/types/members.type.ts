import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Tenant } from "./account.type";
import { MemberRole } from "./enums";
import { DateTimeScalar } from "./scalars";

export enum InvitationStatus {
  PENDING = "PENDING",
  ACCEPTED = "ACCEPTED",
  EXPIRED = "EXPIRED",
  REVOKED = "REVOKED",
}
registerEnumType(InvitationStatus, { name: "InvitationStatus" });

@ObjectType({ description: "A person's place in the active organisation." })
export class Member {
  @Field(() => ID, { description: "The membership's id." }) id: string;
  @Field(() => ID, { description: "The person's user id (what removeMember and changeMemberRole take)." })
  userId: string;
  @Field() email: string;
  @Field(() => MemberRole) role: MemberRole;
  @Field(() => DateTimeScalar) joinedAt: Date;
  @Field(() => DateTimeScalar, { description: "When they last signed in to or switched to this organisation." })
  lastActiveAt: Date;
  @Field(() => Int, { description: "Live API keys they created here (revoked when they are removed)." })
  activeKeys: number;
}

@ObjectType({ description: "One of the organisations a person belongs to." })
export class Membership {
  @Field(() => Tenant) tenant: Tenant;
  @Field(() => MemberRole) role: MemberRole;
  @Field(() => DateTimeScalar) joinedAt: Date;
  @Field({ description: "Whether this is the organisation the current session acts in." }) active: boolean;
}

@ObjectType()
export class Invitation {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field(() => MemberRole) role: MemberRole;
  @Field(() => InvitationStatus) status: InvitationStatus;
  @Field(() => String, { nullable: true, description: "Who sent it (null when that account is gone)." })
  invitedByEmail: string | null;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar) expiresAt: Date;
}

@ObjectType()
export class InvitationCreated {
  @Field(() => Invitation) invitation: Invitation;
  @Field({
    description: "The link to accept it (single use, until expiresAt). Shown here once: only its hash is stored.",
  })
  url: string;
  @Field({ description: "Whether it was also mailed (SMTP_URL configured and the server accepted it)." })
  emailed: boolean;
}

@ObjectType({ description: "What an invitation link offers, shown to whoever holds the link." })
export class InvitationPreview {
  @Field(() => Tenant) tenant: Tenant;
  @Field() email: string;
  @Field(() => MemberRole) role: MemberRole;
  @Field(() => InvitationStatus) status: InvitationStatus;
  @Field(() => DateTimeScalar) expiresAt: Date;
  @Field({ description: "true: accept with that account's password; false: the password chosen creates it." })
  accountExists: boolean;
}

@ObjectType()
export class MemberRemoval {
  @Field(() => ID) userId: string;
  @Field() email: string;
  @Field(() => Int, { description: "Their API keys revoked (refused on every API instance at once)." })
  revokedKeys: number;
  @Field(() => Int, { description: "Their API keys handed to the member named in reassignKeysTo." })
  reassignedKeys: number;
}
