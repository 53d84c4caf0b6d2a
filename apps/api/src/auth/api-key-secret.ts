import crypto from "node:crypto";

export const API_KEY_PREFIXES = ["mm_live_", "mm_test_"] as const;
const DISPLAY_PREFIX_LENGTH = "mm_live_".length + 4;

/** 32 random bytes (256 bits) in base64url after a recognisable prefix. */
export function generateApiKeySecret(mode: "live" | "test" = "live"): { secret: string; prefix: string; hash: string } {
  const secret = `mm_${mode}_${crypto.randomBytes(32).toString("base64url")}`;
  return { secret, prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashApiKeySecret(secret) };
}

export function hashApiKeySecret(secret: string): string {
  return crypto.createHash("sha256").update(secret).digest("hex");
}

export function looksLikeApiKey(token: string): boolean {
  return API_KEY_PREFIXES.some((p) => token.startsWith(p));
}
