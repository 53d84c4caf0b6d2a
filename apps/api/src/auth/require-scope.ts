import { forbidden, type Scope, unauthenticated } from "@modelmarket/domain";
import type { Principal } from "./principal";

/** The caller, who must hold `scope`; FORBIDDEN names the missing scope. */
export function requireScope(principal: Principal | null, scope: Scope): Principal {
  if (!principal) throw unauthenticated();
  if (!principal.scopes.has(scope)) {
    throw forbidden(`This credential lacks the "${scope}" scope.`);
  }
  return principal;
}

export function requirePrincipal(principal: Principal | null): Principal {
  if (!principal) throw unauthenticated();
  return principal;
}
