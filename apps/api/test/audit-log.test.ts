import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyClient, errorCode, signUpTenant, startTestApi, type TestApi } from "./harness";

const AUDIT = `query($first: Int, $after: String, $action: String) {
  auditLog(first: $first, after: $after, action: $action) {
    edges { cursor node { id action actor targetType targetId requestId createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
type Entry = {
  id: string;
  action: string;
  actor: string;
  targetType: string;
  targetId: string;
  requestId: string | null;
};
type Page = { auditLog: { edges: { node: Entry }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
}, 60_000);
afterAll(() => api?.close());

describe("auditLog", () => {
  it("happy: who did what, newest first — sign-ins, keys created and revoked, by a user or by a key", async () => {
    const owner = await signUpTenant(api, "Audited");
    const admin = await apiKeyClient(api, owner, ["keys:write", "audit:read", "inference"]);
    // The key itself creates (and then revokes) another key: the log names the key as actor.
    const made = await admin.client.request<{ createApiKey: { apiKey: { id: string } } }>(
      `mutation { createApiKey(name: "ci", scopes: ["inference"]) { apiKey { id } } }`,
    );
    await admin.client.request(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, {
      id: made.createApiKey.apiKey.id,
    });
    await api.client.request(`mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`, {
      e: owner.email,
      p: owner.password,
    });
    const log = await admin.client.request<Page>(AUDIT, { first: 50 });
    const entries = log.auditLog.edges.map((e) => e.node);
    expect(entries.map((e) => e.action)).toEqual([
      "user.signed_in",
      "api_key.revoked",
      "api_key.created",
      "api_key.created",
      "tenant.created",
    ]);
    expect(entries[0]?.actor).toBe(owner.email);
    expect(entries[1]?.actor).toMatch(/^API key "test" \(mm_live_/);
    expect(entries[1]?.targetId).toBe(made.createApiKey.apiKey.id);
    expect(entries[3]?.actor).toBe(owner.email);
    expect(entries.every((e) => e.requestId?.startsWith("req_"))).toBe(true);
  });

  it("security: failed sign-ins and the lockout they cause, artifact uploads and organisation switches are in the log", async () => {
    const owner = await signUpTenant(api, "Watched");
    const SIGN_IN = `mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`;
    for (let i = 0; i < 11; i++) await api.client.raw(SIGN_IN, { e: owner.email, p: `wrong-${i}` });
    await owner.client.uploadArtifact(Buffer.from("{}"), { kind: "asset", fileName: "labels.json" });
    const second = await owner.client.request<{ createOrganisation: { token: string } }>(
      `mutation { createOrganisation(name: "Second Watched") { token } }`,
    );
    await api.client
      .withToken(second.createOrganisation.token)
      .request(`mutation($t: String!) { switchOrganisation(tenant: $t) { token } }`, { t: owner.tenantSlug });
    const log = await owner.client.request<{
      auditLog: { edges: { node: Entry & { metadata: string | null } }[] };
    }>(`{ auditLog(first: 50) { edges { node { action actor targetId metadata } } } }`);
    const entries = log.auditLog.edges.map((e) => e.node);
    const count = (action: string) => entries.filter((e) => e.action === action).length;
    // Ten failures lock the account for this address; the eleventh is refused before it is tried.
    expect(count("user.sign_in_failed")).toBe(10);
    expect(count("user.locked_out")).toBe(1);
    const failure = entries.find((e) => e.action === "user.sign_in_failed");
    expect(failure?.actor).toBe("anonymous visitor");
    expect(failure?.targetId).toBe(owner.userId);
    expect(JSON.parse(failure?.metadata ?? "{}")).toMatchObject({ email: owner.email });
    const upload = entries.find((e) => e.action === "artifact.uploaded");
    expect(JSON.parse(upload?.metadata ?? "{}")).toMatchObject({
      kind: "ASSET",
      fileName: "labels.json",
      sizeBytes: 2,
    });
    const switched = entries.find((e) => e.action === "user.switched_organisation");
    expect(switched?.actor).toBe(owner.email);
  });

  it("happy: filtered by an action family and paged by cursor, every entry exactly once", async () => {
    const owner = await signUpTenant(api, "Paged");
    for (let i = 0; i < 5; i++) {
      await owner.client.request(`mutation($n: String!) { createApiKey(name: $n) { secret } }`, { n: `k${i}` });
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page = await owner.client.request<Page>(AUDIT, { first: 2, after, action: "api_key." });
      seen.push(...page.auditLog.edges.map((e) => e.node.action + e.node.id));
      if (!page.auditLog.pageInfo.hasNextPage) break;
      after = page.auditLog.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen.every((s) => s.startsWith("api_key.created"))).toBe(true);
  });

  it("security: another organisation's entries never show; a key without audit:read is FORBIDDEN; a forged cursor is refused", async () => {
    const a = await signUpTenant(api, "Alpha");
    const b = await signUpTenant(api, "Beta");
    await a.client.request(`mutation { createApiKey(name: "secret-project") { secret } }`);
    const seenByB = await b.client.request<Page>(AUDIT, { first: 200 });
    expect(seenByB.auditLog.edges.map((e) => e.node.action)).toEqual(["tenant.created"]);
    const inferenceOnly = await apiKeyClient(api, a, ["inference"]);
    expect(errorCode((await inferenceOnly.client.raw(AUDIT, { first: 5 })).body)).toBe("FORBIDDEN");
    const forged = Buffer.from("audit:2020-01-01T00:00:00.000Z:not-an-id").toString("base64url");
    expect(errorCode((await a.client.raw(AUDIT, { first: 5, after: forged })).body)).toBe("BAD_USER_INPUT");
    expect(errorCode((await a.client.raw(AUDIT, { first: 0 })).body)).toBe("BAD_USER_INPUT");
  });
});
