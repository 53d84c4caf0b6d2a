/**
 * What an API key may do. A signed-in user (session token) holds every scope its role
 * allows; a key holds only those it was created with.
 */
export const SCOPES = {
  inference: "call models (classifyText, embedText, ...)",
  "models:write": "upload artifacts and publish models",
  "billing:read": "read subscriptions, usage, invoices and earnings",
  "billing:write": "subscribe to plans and cancel subscriptions",
  "keys:write": "list, create and revoke API keys",
  "audit:read": "read the organisation's audit log (who did what, when)",
} as const;

export type Scope = keyof typeof SCOPES;
export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];
export const DEFAULT_KEY_SCOPES: Scope[] = ["inference"];

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPES, value);
}
