// Input that no database or log can hold, wildcards, unknown currencies and APQ mismatches
// are the caller's mistakes: BAD_USER_INPUT naming the field, never an internal error.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCode, FREE_PLAN, publishTinyModel, signUpTenant, startTestApi, type TestApi } from "./harness";

let api: TestApi;
let errorLogs = 0;
beforeAll(async () => {
  api = await startTestApi();
  const original = api.services.logger.error.bind(api.services.logger);
  api.services.logger.error = ((...args: Parameters<typeof original>) => {
    errorLogs++;
    return original(...args);
  }) as typeof original;
});
afterAll(() => api?.close());

describe("input hygiene", () => {
  it("security: NUL characters and lone surrogates are BAD_USER_INPUT naming the field, with no error-level log", async () => {
    const tenant = await signUpTenant(api, "Hygiene");
    const before = errorLogs;
    const cases: [string, Record<string, unknown> | undefined, string][] = [
      [`query($q: String) { models(query: $q) { totalCount } }`, { q: "a\u0000b" }, "q"],
      [`{ models(query: "a\\u0000b") { totalCount } }`, undefined, "query"],
      [`query($s: String!) { model(slug: $s) { id } }`, { s: "x/\u0000" }, "s"],
      [`mutation($n: String!) { createApiKey(name: $n) { secret } }`, { n: "key\u0000" }, "n"],
      [`mutation($n: String!) { createApiKey(name: $n) { secret } }`, { n: "lone \ud800 half" }, "n"],
    ];
    for (const [query, variables, field] of cases) {
      const { body } = await tenant.client.raw(query, variables);
      expect(errorCode(body), query).toBe("BAD_USER_INPUT");
      expect(body.errors?.[0]?.extensions?.field, query).toBe(field);
    }
    // In a literal, graphql-js's parser already refuses the escape (a syntax error).
    const literal = await tenant.client.raw(`mutation { createApiKey(name: "lone \\udc00") { secret } }`);
    expect(errorCode(literal.body)).toBe("BAD_USER_INPUT");
    expect(await api.db.prisma.apiKey.count({ where: { tenantId: tenant.tenantId } })).toBe(0);
    expect(errorLogs).toBe(before);
  });

  it("security: an id longer than 200 characters is BAD_USER_INPUT naming it, as a variable or a literal, also in a query already seen with a short id", async () => {
    const tenant = await signUpTenant(api, "Long Ids");
    const byVariable = `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`;
    // The first time with a short id: NOT_FOUND, and the document's checks are now cached.
    expect(errorCode((await tenant.client.raw(byVariable, { id: "key_unknown" })).body)).toBe("NOT_FOUND");
    const long = await tenant.client.raw(byVariable, { id: "k".repeat(201) });
    expect(errorCode(long.body)).toBe("BAD_USER_INPUT");
    expect(long.body.errors?.[0]?.extensions?.field).toBe("id");
    const literal = await tenant.client.raw(`mutation { revokeApiKey(id: "${"k".repeat(201)}") { id } }`);
    expect(errorCode(literal.body)).toBe("BAD_USER_INPUT");
    expect(literal.body.errors?.[0]?.message).toMatch(/is not an id/);
  });

  it("security: an automatic persisted query whose hash does not match is BAD_USER_INPUT", async () => {
    const before = errorLogs;
    const res = await fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "{ __typename }",
        extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } },
      }),
    });
    const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(res.status).toBe(400);
    // The right hash works.
    const good = await fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "{ __typename }",
        extensions: {
          persistedQuery: {
            version: 1,
            sha256Hash: crypto.createHash("sha256").update("{ __typename }").digest("hex"),
          },
        },
      }),
    });
    expect(good.status).toBe(200);
    expect(errorLogs).toBe(before);
  });

  it("security: % and _ in a search are letters, not LIKE wildcards", async () => {
    const publisher = await signUpTenant(api, "Wildcards");
    await publishTinyModel(publisher, { name: "Plain Model" });
    const count = async (q: string) =>
      (
        await api.client.request<{ models: { totalCount: number } }>(
          `query($q: String) { models(query: $q) { totalCount } }`,
          { q },
        )
      ).models.totalCount;
    expect(await count("plain")).toBeGreaterThanOrEqual(1);
    expect(await count("_")).toBe(0);
    expect(await count("%")).toBe(0);
    expect(await count("pl_in")).toBe(0);
  });

  it("error: a plan in a currency billing does not support is BAD_USER_INPUT naming the field", async () => {
    const publisher = await signUpTenant(api, "Currency");
    await expect(publishTinyModel(publisher, { plans: [{ ...FREE_PLAN, currency: "xyz" }] })).rejects.toThrow(
      /currency must be one of usd/,
    );
    const ok = await publishTinyModel(publisher, { plans: [{ ...FREE_PLAN, currency: "EUR" }] });
    expect(ok.slug).toBeTruthy();
  });
});
