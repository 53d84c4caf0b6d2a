import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { requirePrincipal } from "../../auth/require-scope";
import type { GraphQLContext } from "../../context";
import { acceptInvitation } from "../../use-cases/members/accept-invitation";
import { changeMemberRole } from "../../use-cases/members/change-member-role";
import { inviteMember } from "../../use-cases/members/invite-member";
import { leaveOrganisation } from "../../use-cases/members/leave-organisation";
import { listInvitations } from "../../use-cases/members/list-invitations";
import { listMembers } from "../../use-cases/members/list-members";
import { previewInvitation } from "../../use-cases/members/preview-invitation";
import { removeMember } from "../../use-cases/members/remove-member";
import { revokeInvitation } from "../../use-cases/members/revoke-invitation";
import { Access } from "../access";
import { Session } from "../types/account.type";
import { MemberRole } from "../types/enums";
import { Invitation, InvitationCreated, InvitationPreview, Member, MemberRemoval } from "../types/members.type";

/** Teams: members, roles and invitations of the active organisation (docs/teams.md). */
@Resolver()
export class MembersResolver {
  @Access("members:read")
  @Query(() => [Member], { description: "The active organisation's members, oldest first." })
  members(@Ctx() ctx: GraphQLContext) {
    return listMembers(ctx.services, requirePrincipal(ctx.principal));
  }

  @Access("members:read")
  @Query(() => [Invitation], { description: "Pending invitations, newest first; all of them with includeClosed." })
  invitations(@Ctx() ctx: GraphQLContext, @Arg("includeClosed", { defaultValue: false }) includeClosed: boolean) {
    return listInvitations(ctx.services, requirePrincipal(ctx.principal), includeClosed);
  }

  @Access("public")
  @Query(() => InvitationPreview, {
    description: "What an invitation link offers (NOT_FOUND for an unknown token). Needs only the token.",
  })
  invitation(@Arg("token") token: string, @Ctx() ctx: GraphQLContext) {
    return previewInvitation(ctx.services, token);
  }

  @Access("members:write")
  @Mutation(() => InvitationCreated, {
    description: "Invites an email with a role (only an owner may invite an owner); replaces a pending invitation.",
  })
  inviteMember(
    @Arg("email") email: string,
    @Arg("role", () => MemberRole) role: MemberRole,
    @Ctx() ctx: GraphQLContext,
  ) {
    return inviteMember(ctx.services, requirePrincipal(ctx.principal), { email, role });
  }

  @Access("members:write")
  @Mutation(() => Invitation, { description: "Revokes a pending invitation; its link stops working at once." })
  revokeInvitation(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return revokeInvitation(ctx.services, requirePrincipal(ctx.principal), id);
  }

  @Access("public")
  @Mutation(() => Session, {
    description:
      "Accepts an invitation: with the password of the invited address's account, or choosing the password of a " +
      "new account. Returns a session in the organisation joined. Works once, until it expires.",
  })
  acceptInvitation(@Arg("token") token: string, @Arg("password") password: string, @Ctx() ctx: GraphQLContext) {
    return acceptInvitation(ctx.services, { token, password, clientIp: ctx.clientIp });
  }

  @Access("members:write")
  @Mutation(() => Member, {
    description: "Changes a member's role (owners only for the OWNER role; never the last owner's).",
  })
  changeMemberRole(
    @Arg("userId", () => ID) userId: string,
    @Arg("role", () => MemberRole) role: MemberRole,
    @Ctx() ctx: GraphQLContext,
  ) {
    return changeMemberRole(ctx.services, requirePrincipal(ctx.principal), userId, role);
  }

  @Access("members:write")
  @Mutation(() => MemberRemoval, {
    description:
      "Removes a member: their sessions stop working and the API keys they created are revoked on every instance " +
      "at once, unless an owner hands them to another member with reassignKeysTo. Never the last owner.",
  })
  removeMember(
    @Arg("userId", () => ID) userId: string,
    @Arg("reassignKeysTo", () => ID, { nullable: true }) reassignKeysTo: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return removeMember(ctx.services, requirePrincipal(ctx.principal), userId, reassignKeysTo);
  }

  @Access("signedIn")
  @Mutation(() => MemberRemoval, {
    description: "The signed-in person leaves the active organisation (the keys they created there are revoked).",
  })
  leaveOrganisation(@Ctx() ctx: GraphQLContext) {
    return leaveOrganisation(ctx.services, requirePrincipal(ctx.principal));
  }
}
