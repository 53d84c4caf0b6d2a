import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { createApiKey } from "../../use-cases/api-keys/create-api-key";
import { listApiKeys } from "../../use-cases/api-keys/list-api-keys";
import { revokeApiKey } from "../../use-cases/api-keys/revoke-api-key";
import { Access } from "../access";
import { ApiKey, CreatedApiKey } from "../types/api-key.type";

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Access("keys:write")
  @Query(() => [ApiKey])
  apiKeys(@Ctx() ctx: GraphQLContext) {
    return listApiKeys(ctx.services, ctx.principal);
  }

  @Access("keys:write")
  @Mutation(() => CreatedApiKey)
  createApiKey(
    @Arg("name") name: string,
    @Arg("scopes", () => [String], { nullable: true }) scopes: string[] | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return createApiKey(ctx.services, ctx.principal, { name, scopes });
  }

  @Access("keys:write")
  @Mutation(() => ApiKey)
  revokeApiKey(@Arg("id", () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return revokeApiKey(ctx.services, ctx.principal, id);
  }
}
