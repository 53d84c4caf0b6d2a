// What standard clients do by default — GET queries, CORS preflights from browser apps, batches —
// gets a working answer or a coded one with the request id, and limits name themselves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUpTenant, startTestApi, type TestApi } from "./harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({
    CORS_ORIGINS: "https://app.example.com, http://localhost:5173",
    IMAGE_MAX_BYTES: "300000",
  });
});
afterAll(() => api?.close());

type Body = {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
};

describe("standard clients", () => {
  it("happy: a GET query with credentials works (urql's default); a credential-less simple GET is refused with a code and request id", async () => {
    const tenant = await signUpTenant(api, "Getter");
    const url = `${api.url}/graphql?query=${encodeURIComponent("{ me { email } }")}`;
    const withKey = await fetch(url, { headers: { authorization: `Bearer ${tenant.token}` } });
    expect(withKey.status).toBe(200);
    expect(((await withKey.json()) as Body).data).toEqual({ me: { email: tenant.email } });
    // No ETag: each answer carries its own request id, so none could ever be revalidated.
    expect(withKey.headers.get("etag")).toBeNull();
    const simple = await fetch(url);
    expect(simple.status).toBe(400);
    const body = (await simple.json()) as Body;
    expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(body.extensions?.requestId ?? body.errors?.[0]?.extensions?.requestId).toMatch(/^req_/);
    // Mutations never over GET.
    const mutation = await fetch(
      `${api.url}/graphql?query=${encodeURIComponent('mutation { createApiKey(name: "x") { secret } }')}`,
      {
        headers: { authorization: `Bearer ${tenant.token}` },
      },
    );
    expect(mutation.status).toBeGreaterThanOrEqual(400);
  });

  it("happy: a browser app on an allowed origin gets its preflight answered and CORS headers; another origin gets none", async () => {
    const preflight = await fetch(`${api.url}/graphql`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type,idempotency-key",
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/idempotency-key/);
    const call = await fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { origin: "http://localhost:5173", "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(call.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(call.headers.get("access-control-expose-headers")).toMatch(/x-request-id/i);
    const stranger = await fetch(`${api.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("error: a batch is BAD_USER_INPUT saying why, with the request id", async () => {
    const res = await fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ query: "{ __typename }" }, { query: "{ __typename }" }]),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Body;
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      requestId: expect.stringMatching(/^req_/),
    });
    expect(body.errors?.[0]?.message).toMatch(/receipt/);
  });

  it("error: an oversized body is PAYLOAD_TOO_LARGE naming the limit and its setting; the limit fits one image of IMAGE_MAX_BYTES", async () => {
    const limit = api.services.env.GRAPHQL_MAX_BODY_BYTES;
    expect(limit).toBe(Math.ceil((300_000 * 4) / 3) + 1024 * 1024);
    const res = await fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(limit + 10) } }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as Body;
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "PAYLOAD_TOO_LARGE", limitBytes: limit });
    expect(body.errors?.[0]?.message).toContain(`${limit} bytes (GRAPHQL_MAX_BODY_BYTES`);
  });
});
