import { ALL_SCOPES, type Scope } from "./scopes";

/** A member's role in an organisation (tenant); the API's access rules see only its scopes. */
export const MEMBER_ROLES = ["OWNER", "ADMIN", "DEVELOPER", "BILLING"] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/**
 * The scopes each role holds: the one table behind both sessions and keys (a key's scopes are
 * capped by its creator's role). docs/teams.md prints it; a test checks the two agree.
 * OWNER and ADMIN differ only in what the member use cases reserve to owners: granting or
 * taking away the OWNER role, removing an owner, and reassigning a leaver's keys.
 */
export const ROLE_SCOPES: Readonly<Record<MemberRole, readonly Scope[]>> = {
  OWNER: ALL_SCOPES,
  ADMIN: ALL_SCOPES,
  DEVELOPER: ["inference", "models:write", "keys:write", "members:read"],
  BILLING: ["billing:read", "billing:write", "members:read"],
};

export function isMemberRole(value: string): value is MemberRole {
  return (MEMBER_ROLES as readonly string[]).includes(value);
}

/** The scopes of `role`, as a set (a fresh one: callers may not share it). */
export function scopesOfRole(role: MemberRole): Set<Scope> {
  return new Set(ROLE_SCOPES[role]);
}
