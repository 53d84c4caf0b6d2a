import { Arg, Ctx, Int, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { listAuditLog } from "../../use-cases/audit/list-audit-log";
import { Access } from "../access";
import { AuditLogConnection } from "../types/audit.type";
import { DateTimeScalar } from "../types/scalars";

@Resolver()
export class AuditResolver {
  @Access("audit:read")
  @Query(() => AuditLogConnection, {
    description:
      "The organisation's audit log, newest first. `action` filters by one action or, ending in a dot, a family " +
      '("api_key."); `from`/`to` bound the time.',
  })
  auditLog(
    @Ctx() ctx: GraphQLContext,
    @Arg("first", () => Int, { defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("action", () => String, { nullable: true }) action: string | null,
    @Arg("from", () => DateTimeScalar, { nullable: true }) from: Date | null,
    @Arg("to", () => DateTimeScalar, { nullable: true }) to: Date | null,
  ) {
    return listAuditLog(ctx.services, ctx.principal, { first, after, action, from, to });
  }
}
