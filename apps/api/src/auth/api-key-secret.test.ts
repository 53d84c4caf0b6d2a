import { describe, expect, it } from "vitest";
import { generateApiKeySecret, hashApiKeySecret, looksLikeApiKey } from "./api-key-secret";

describe("API key secrets", () => {
  it("security: secrets are unique, carry 256 random bits, and only a display prefix is derivable", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const { secret, prefix, hash } = generateApiKeySecret();
      expect(secret).toMatch(/^mm_live_[A-Za-z0-9_-]{43}$/);
      expect(prefix).toBe(secret.slice(0, 12));
      expect(hash).toBe(hashApiKeySecret(secret));
      seen.add(secret);
    }
    expect(seen.size).toBe(1000);
  });

  it("happy: recognises live and test keys, and nothing else", () => {
    expect(looksLikeApiKey("mm_live_abc")).toBe(true);
    expect(looksLikeApiKey("mm_test_abc")).toBe(true);
    expect(looksLikeApiKey("eyJhbGciOi...")).toBe(false);
  });
});
