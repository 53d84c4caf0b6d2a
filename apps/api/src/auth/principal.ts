import type { MemberRole, Scope } from "@modelmarket/domain";

/**
 * Who is calling. The tenant (the active organisation) comes only from here, never from an
 * argument. `role` is the member's role there; for a key, its creator's current role (null for a
 * key whose creator's account is gone: it keeps only its own scopes).
 */
export type Principal =
  | { kind: "user"; userId: string; tenantId: string; role: MemberRole; scopes: ReadonlySet<Scope> }
  | {
      kind: "apiKey";
      apiKeyId: string;
      tenantId: string;
      userId: string | null;
      role: MemberRole | null;
      scopes: ReadonlySet<Scope>;
    };
