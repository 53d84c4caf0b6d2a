import type { Scope } from "@modelmarket/domain";
import { type AuthChecker, Authorized } from "type-graphql";
import { requirePrincipal, requireScope } from "../auth/require-scope";
import type { GraphQLContext } from "../context";

/**
 * Who may call a root field, declared on its resolver method and checked before it runs:
 * - `public`: anyone, signed in or not (what it returns may still depend on the caller);
 * - `signedIn`: any session or API key;
 * - a scope: a session or key holding it (FORBIDDEN names the missing scope).
 * Every root field must declare one: the attack suite fails on a field without a rule.
 */
export type AccessRule = "public" | "signedIn" | Scope;

const declared = new Map<string, AccessRule>();

/** Declares a root field's access rule (the field's name is the method's name). */
export function Access(rule: AccessRule): MethodDecorator {
  return (target, key, descriptor) => {
    declared.set(String(key), rule);
    if (rule === "signedIn") Authorized()(target, key, descriptor);
    else if (rule !== "public") Authorized(rule)(target, key, descriptor);
  };
}

/** The declared rule of each root field, by field name. */
export function declaredAccess(): ReadonlyMap<string, AccessRule> {
  return declared;
}

/** type-graphql's check for @Authorized fields: the same errors as everywhere else. */
export const authChecker: AuthChecker<GraphQLContext, Scope> = ({ context }, scopes) => {
  if (scopes.length === 0) requirePrincipal(context.principal);
  for (const scope of scopes) requireScope(context.principal, scope);
  return true;
};
