import { monotonicFactory } from "ulid";

/** Prefix of every id, by what it identifies. */
export const ID_PREFIX = {
  tenant: "tnt",
  user: "usr",
  apiKey: "key",
  artifact: "art",
  model: "mdl",
  modelVersion: "ver",
  plan: "pln",
  subscription: "sub",
  usageEvent: "use",
  request: "req",
  invoice: "inv",
  invoiceLine: "inl",
  audit: "aud",
} as const;

export type IdKind = keyof typeof ID_PREFIX;

const ulid = monotonicFactory();

/**
 * `<prefix>_<ulid>`: sortable by creation time (catalog pagination relies on it), unique
 * without coordination, and self-describing in logs.
 */
export function newId(kind: IdKind): string {
  return `${ID_PREFIX[kind]}_${ulid().toLowerCase()}`;
}

export function hasPrefix(id: string, kind: IdKind): boolean {
  return id.startsWith(`${ID_PREFIX[kind]}_`);
}
