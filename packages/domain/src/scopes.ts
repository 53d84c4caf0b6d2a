/**
 * What a credential may do. A signed-in user (session token) holds the scopes of their role in
 * the active organisation (roles.ts); a key holds those it was created with, capped by its
 * creator's current role.
 */
export const SCOPES = {
  inference: "call models (classifyText, embedText, ...)",
  "models:write": "upload artifacts and publish models",
  "billing:read": "read subscriptions, usage, invoices and earnings",
  "billing:write": "subscribe to plans and cancel subscriptions",
  "keys:write": "list, create and revoke API keys",
  "audit:read": "read the organisation's audit log (who did what, when)",
  "members:read": "see the organisation's members and pending invitations",
  "members:write": "invite members, change their roles and remove them",
} as const;

export type Scope = keyof typeof SCOPES;
export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];
export const DEFAULT_KEY_SCOPES: Scope[] = ["inference"];

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPES, value);
}
