import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyClient, errorCode, signUpTenant, startTestApi, type TestApi } from "./harness";

const CREATE = `mutation($name: String!, $scopes: [String!]) {
  createApiKey(name: $name, scopes: $scopes) { secret apiKey { id name prefix scopes createdAt lastUsedAt revokedAt } }
}`;
const LIST = `{ apiKeys { id name prefix scopes lastUsedAt revokedAt } }`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;

let api: TestApi;
beforeAll(async () => {
  // A long flush interval so the test controls when lastUsedAt is written.
  api = await startTestApi({ LAST_USED_FLUSH_MS: "3600000" });
});
afterAll(() => api?.close());

describe("createApiKey", () => {
  it("happy: returns an mm_live_ secret with ≥128 bits once, and stores only its SHA-256", async () => {
    const tenant = await signUpTenant(api);
    const data = await tenant.client.request<{ createApiKey: { secret: string; apiKey: Record<string, unknown> } }>(
      CREATE,
      {
        name: "ci",
        scopes: ["inference", "billing:read"],
      },
    );
    const { secret, apiKey } = data.createApiKey;
    expect(secret).toMatch(/^mm_live_[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect(apiKey.prefix).toBe(secret.slice(0, 12));
    expect(apiKey.scopes).toEqual(["inference", "billing:read"]);
    expect(apiKey.id).toMatch(/^key_/);

    const row = await api.db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id as string } });
    expect(row.secretHash).toBe(crypto.createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(secret.slice(12));
    const listed = JSON.stringify(await tenant.client.request(LIST));
    expect(listed).not.toContain(secret.slice(12));
  });

  it("happy: defaults to the inference scope only, and the key authenticates as its tenant", async () => {
    const tenant = await signUpTenant(api);
    const key = await tenant.client.request<{ createApiKey: { secret: string; apiKey: { scopes: string[] } } }>(
      CREATE,
      {
        name: "default",
      },
    );
    expect(key.createApiKey.apiKey.scopes).toEqual(["inference"]);
    const me = await api.client.withToken(key.createApiKey.secret).request<{ me: { id: string } }>(`{ me { id } }`);
    expect(me.me.id).toBe(tenant.userId);
  });

  it("error: unknown scopes and an empty name are BAD_USER_INPUT", async () => {
    const tenant = await signUpTenant(api);
    const unknown = await tenant.client.raw(CREATE, { name: "x", scopes: ["admin:all"] });
    expect(errorCode(unknown.body)).toBe("BAD_USER_INPUT");
    expect(unknown.body.errors?.[0]?.message).toContain("admin:all");
    const empty = await tenant.client.raw(CREATE, { name: "  ", scopes: ["inference"] });
    expect(errorCode(empty.body)).toBe("BAD_USER_INPUT");
  });

  it("security: a key without keys:write gets FORBIDDEN naming the scope", async () => {
    const tenant = await signUpTenant(api);
    const { client } = await apiKeyClient(api, tenant, ["inference"]);
    const { body } = await client.raw(CREATE, { name: "escalate" });
    expect(errorCode(body)).toBe("FORBIDDEN");
    expect(body.errors?.[0]?.message).toContain("keys:write");
    expect(errorCode((await client.raw(LIST)).body)).toBe("FORBIDDEN");
  });

  it("security: a key cannot mint a key with scopes it does not hold", async () => {
    const tenant = await signUpTenant(api);
    const { client } = await apiKeyClient(api, tenant, ["keys:write"]);
    const { body } = await client.raw(CREATE, { name: "wider", scopes: ["keys:write", "models:write"] });
    expect(errorCode(body)).toBe("FORBIDDEN");
    const narrower = await client.raw(CREATE, { name: "same", scopes: ["keys:write"] });
    expect(narrower.body.errors).toBeUndefined();
  });

  it("happy: creation and revocation are written to the audit log", async () => {
    const tenant = await signUpTenant(api);
    const { apiKey } = await apiKeyClient(api, tenant, ["inference"]);
    await tenant.client.request(REVOKE, { id: apiKey.id });
    const actions = await api.db.prisma.auditLog.findMany({
      where: { tenantId: tenant.tenantId, targetId: apiKey.id },
      orderBy: { id: "asc" },
    });
    expect(actions.map((a) => [a.action, a.actorUserId])).toEqual([
      ["api_key.created", tenant.userId],
      ["api_key.revoked", tenant.userId],
    ]);
  });
});

describe("revokeApiKey", () => {
  it("security: a revoked key is UNAUTHENTICATED on the very next request (despite the cache)", async () => {
    const tenant = await signUpTenant(api);
    const { client, apiKey } = await apiKeyClient(api, tenant, ["inference"]);
    // Warm the key cache and the catalog response cache with the very query retried below.
    expect((await client.raw(`{ models { totalCount } }`)).body.errors).toBeUndefined();
    const revoked = await tenant.client.request<{ revokeApiKey: { revokedAt: string } }>(REVOKE, { id: apiKey.id });
    expect(revoked.revokeApiKey.revokedAt).toBeTruthy();
    const after = await client.raw(`{ models { totalCount } }`);
    expect(errorCode(after.body)).toBe("UNAUTHENTICATED");
    expect(after.status).toBe(401);
  });

  it("security: another tenant's key is NOT_FOUND and stays valid", async () => {
    const owner = await signUpTenant(api);
    const other = await signUpTenant(api);
    const { client, apiKey } = await apiKeyClient(api, owner, ["inference"]);
    const { body } = await other.client.raw(REVOKE, { id: apiKey.id });
    expect(errorCode(body)).toBe("NOT_FOUND");
    expect((await client.raw(`{ me { id } }`)).body.errors).toBeUndefined();
    const otherKeys = await other.client.request<{ apiKeys: unknown[] }>(LIST);
    expect(otherKeys.apiKeys).toEqual([]);
  });

  it("error: revoking twice returns the key unchanged", async () => {
    const tenant = await signUpTenant(api);
    const { apiKey } = await apiKeyClient(api, tenant, ["inference"]);
    const first = await tenant.client.request<{ revokeApiKey: { revokedAt: string } }>(REVOKE, { id: apiKey.id });
    const second = await tenant.client.request<{ revokeApiKey: { revokedAt: string } }>(REVOKE, { id: apiKey.id });
    expect(second.revokeApiKey.revokedAt).toBe(first.revokeApiKey.revokedAt);
  });
});

describe("lastUsedAt", () => {
  it("happy: is shown at once but written to the database in batches, not per call", async () => {
    const tenant = await signUpTenant(api);
    const { client, apiKey } = await apiKeyClient(api, tenant, ["inference"]);
    for (let i = 0; i < 5; i++) await client.request(`{ me { id } }`);
    const row = await api.db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row.lastUsedAt).toBeNull();
    const listed = await tenant.client.request<{ apiKeys: { id: string; lastUsedAt: string | null }[] }>(LIST);
    const shown = listed.apiKeys.find((k) => k.id === apiKey.id)?.lastUsedAt;
    expect(shown).toBeTruthy();
    await api.services.lastUsed.flush();
    const flushed = await api.db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(flushed.lastUsedAt?.toISOString()).toBe(shown);
  });
});
