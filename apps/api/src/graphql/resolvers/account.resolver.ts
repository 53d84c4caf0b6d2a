import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { getMe } from "../../use-cases/accounts/get-me";
import { signIn } from "../../use-cases/accounts/sign-in";
import { signUp } from "../../use-cases/accounts/sign-up";
import { Access } from "../access";
import { SignUpInput } from "../inputs/sign-up.input";
import { Session, User } from "../types/account.type";

@Resolver(() => User)
export class AccountResolver {
  @Access("public")
  @Query(() => User, { nullable: true, description: "The caller; for an API key, the user who created it." })
  me(@Ctx() ctx: GraphQLContext) {
    return getMe(ctx.services, ctx.principal);
  }

  @Access("public")
  @Mutation(() => Session)
  signUp(@Arg("input", () => SignUpInput) input: SignUpInput, @Ctx() ctx: GraphQLContext) {
    return signUp(ctx.services, { ...input, clientIp: ctx.clientIp });
  }

  @Access("public")
  @Mutation(() => Session)
  signIn(@Arg("email") email: string, @Arg("password") password: string, @Ctx() ctx: GraphQLContext) {
    return signIn(ctx.services, { email, password, clientIp: ctx.clientIp });
  }

  @FieldResolver(() => String)
  role(@Root() user: { role: string }): string {
    return user.role.toLowerCase();
  }
}
