import { ROLE_SCOPES } from "@modelmarket/domain";
import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { requirePrincipal } from "../../auth/require-scope";
import type { GraphQLContext } from "../../context";
import { createOrganisation } from "../../use-cases/accounts/create-organisation";
import { getMe } from "../../use-cases/accounts/get-me";
import { listMemberships } from "../../use-cases/accounts/list-memberships";
import { requestPasswordReset } from "../../use-cases/accounts/request-password-reset";
import { resetPassword } from "../../use-cases/accounts/reset-password";
import { signIn } from "../../use-cases/accounts/sign-in";
import { signUp } from "../../use-cases/accounts/sign-up";
import type { SessionUser } from "../../use-cases/accounts/support/session";
import { switchOrganisation } from "../../use-cases/accounts/switch-organisation";
import { Access } from "../access";
import { SignUpInput } from "../inputs/sign-up.input";
import { Session, User } from "../types/account.type";
import { Membership } from "../types/members.type";

@Resolver(() => User)
export class AccountResolver {
  @Access("public")
  @Query(() => User, {
    nullable: true,
    description: "The caller in the active organisation; for an API key, the member who created it.",
  })
  me(@Ctx() ctx: GraphQLContext) {
    return getMe(ctx.services, ctx.principal);
  }

  @Access("public")
  @Mutation(() => Session, { description: "Creates an account and its organisation, with the account as OWNER." })
  signUp(@Arg("input", () => SignUpInput) input: SignUpInput, @Ctx() ctx: GraphQLContext) {
    return signUp(ctx.services, { ...input, clientIp: ctx.clientIp });
  }

  @Access("public")
  @Mutation(() => Session, {
    description: "Signs in to the organisation `tenant` (a slug) or, without it, to the one last used.",
  })
  signIn(
    @Arg("email") email: string,
    @Arg("password") password: string,
    @Arg("tenant", () => String, { nullable: true }) tenant: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return signIn(ctx.services, { email, password, tenant, clientIp: ctx.clientIp });
  }

  @Access("public")
  @Mutation(() => Boolean, {
    description:
      "Mails a password reset link (one use, an hour) to the address if it has an account; answers true either way.",
  })
  requestPasswordReset(@Arg("email") email: string, @Ctx() ctx: GraphQLContext) {
    return requestPasswordReset(ctx.services, { email, clientIp: ctx.clientIp });
  }

  @Access("public")
  @Mutation(() => String, {
    description:
      "Sets a new password with a reset link's token and answers the account's email; every earlier session ends. Then sign in.",
  })
  async resetPassword(@Arg("token") token: string, @Arg("password") password: string, @Ctx() ctx: GraphQLContext) {
    return (await resetPassword(ctx.services, { token, password })).email;
  }

  @Access("signedIn")
  @Mutation(() => Session, {
    description: "A session in another organisation the signed-in person belongs to (by slug); not for API keys.",
  })
  switchOrganisation(@Arg("tenant") tenant: string, @Ctx() ctx: GraphQLContext) {
    return switchOrganisation(ctx.services, requirePrincipal(ctx.principal), tenant);
  }

  @Access("signedIn")
  @Mutation(() => Session, {
    description: "Creates another organisation with the signed-in person as OWNER, and a session in it.",
  })
  createOrganisation(@Arg("name") name: string, @Ctx() ctx: GraphQLContext) {
    return createOrganisation(ctx.services, requirePrincipal(ctx.principal), name);
  }

  @FieldResolver(() => String)
  role(@Root() user: SessionUser): string {
    return user.role.toLowerCase();
  }

  @FieldResolver(() => [String], { description: "What the role allows in the active organisation (scopes)." })
  scopes(@Root() user: SessionUser): readonly string[] {
    return ROLE_SCOPES[user.role];
  }

  @FieldResolver(() => [Membership], {
    description: "The organisations this person belongs to (through an API key: only the key's own).",
  })
  memberships(@Root() user: SessionUser, @Ctx() ctx: GraphQLContext) {
    return listMemberships(ctx.services, ctx.principal, user);
  }
}
