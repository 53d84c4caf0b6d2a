import crypto from "node:crypto";
import { monotonicFactory } from "ulid";

/** Prefix of every id, by what it identifies. */
export const ID_PREFIX = {
  tenant: "tnt",
  user: "usr",
  membership: "mbr",
  invitation: "ivt",
  passwordReset: "pwr",
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
  payout: "pay",
  inferencePool: "ipl",
  audit: "aud",
} as const;

export type IdKind = keyof typeof ID_PREFIX;

// ulid's default PRNG asks the OS for one byte per character (16 calls an id, measurable
// on the request path); drawing from a pooled buffer keeps the same CSPRNG source.
const POOL_SIZE = 4096;
let pool = crypto.randomBytes(POOL_SIZE);
let offset = 0;
function pooledRandom(): number {
  if (offset + 4 > POOL_SIZE) {
    pool = crypto.randomBytes(POOL_SIZE);
    offset = 0;
  }
  const value = pool.readUInt32BE(offset) / 2 ** 32;
  offset += 4;
  return value;
}

const ulid = monotonicFactory(pooledRandom);

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
