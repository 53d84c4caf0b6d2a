import type { Scope } from "@modelmarket/domain";

/** Who is calling. The tenant comes only from here, never from an argument. */
export type Principal =
  | { kind: "user"; userId: string; tenantId: string; role: "OWNER" | "ADMIN" | "MEMBER"; scopes: ReadonlySet<Scope> }
  | { kind: "apiKey"; apiKeyId: string; tenantId: string; userId: string | null; scopes: ReadonlySet<Scope> };
