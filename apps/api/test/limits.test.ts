import type { GraphQLResponse } from "@modelmarket/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCode, startTestApi, type TestApi } from "./harness";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ GRAPHQL_MAX_BODY_BYTES: "20000" });
});
afterAll(() => api?.close());

describe("request limits", () => {
  it("security: a query deeper than the limit is refused before execution", async () => {
    // The schema has no cycles, so depth beyond 8 comes from nested selections of fields
    // that do not exist; the depth rule must still catch it on the document itself.
    const nest = (n: number): string => (n === 0 ? "id" : `f${n} { ${nest(n - 1)} }`);
    const { status, body } = await api.client.raw(`{ models { edges { node { ${nest(8)} } } } }`);
    expect(status).toBe(400);
    expect(body.errors?.every((e) => e.extensions?.code === "BAD_USER_INPUT")).toBe(true);
    expect(body.errors?.some((e) => /depth/i.test(e.message))).toBe(true);
    const valid = await api.client.raw(`{ models { edges { node { latestVersion { id } publisher { id } } } } }`);
    expect(valid.body.errors).toBeUndefined();
  });

  it("security: a token flood is refused by the parser", async () => {
    const fields = "a ".repeat(4100);
    const { body } = await api.client.raw(`{ ${fields} }`);
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/token/i);
  });

  it("security: too many aliases are BAD_USER_INPUT", async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: me { id }`).join(" ");
    const { status, body } = await api.client.raw(`{ ${aliases} }`);
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(status).toBe(400);
  });

  it("security: a query over the cost limit is BAD_USER_INPUT", async () => {
    const fields =
      "edges { node { id slug name description tags publisher { id slug name } plans { id name currency } versions { id version sha256 } } }";
    const aliases = Array.from({ length: 14 }, (_, i) => `m${i}: models(first: 100) { ${fields} }`).join(" ");
    const { body } = await api.client.raw(`{ ${aliases} }`);
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/cost/i);
  });

  it("security: batched operations are refused", async () => {
    const res = await fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ query: "{ __typename }" }, { query: "{ __typename }" }]),
    });
    const body = (await res.json()) as GraphQLResponse;
    expect(res.status).toBe(400);
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.extensions?.requestId).toMatch(/^req_/);
  });

  it("security: CSRF prevention blocks simple GET requests without a preflight header", async () => {
    const res = await fetch(`${api.url}/graphql?query=${encodeURIComponent("{ __typename }")}`);
    expect(res.status).toBe(400);
    const ok = await fetch(`${api.url}/graphql?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { "apollo-require-preflight": "true" },
    });
    expect(ok.status).toBe(200);
  });

  it("error: a body over the limit is PAYLOAD_TOO_LARGE; malformed JSON is BAD_USER_INPUT", async () => {
    const big = await fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(30_000) } }),
    });
    expect(big.status).toBe(413);
    expect(errorCode((await big.json()) as GraphQLResponse)).toBe("PAYLOAD_TOO_LARGE");
    const bad = await fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{ not json",
    });
    expect(bad.status).toBe(400);
    expect(errorCode((await bad.json()) as GraphQLResponse)).toBe("BAD_USER_INPUT");
  });

  it("error: syntax errors, unknown fields and wrong variable types are BAD_USER_INPUT", async () => {
    for (const [query, variables] of [
      ["{ models { ", undefined],
      ["{ nope }", undefined],
      ["query($f: Int) { models(first: $f) { totalCount } }", { f: "ten" }],
    ] as const) {
      const { body } = await api.client.raw(query, variables as Record<string, unknown> | undefined);
      expect(errorCode(body), query).toBe("BAD_USER_INPUT");
      expect(body.extensions?.requestId).toMatch(/^req_/);
    }
  });
});

describe("responses", () => {
  it("happy: every response carries extensions.requestId matching the X-Request-Id header", async () => {
    const { body, headers } = await api.client.raw(`{ __typename }`);
    expect(body.extensions?.requestId).toMatch(/^req_[0-9a-z]{26}$/);
    expect(headers.get("x-request-id")).toBe(body.extensions?.requestId);
  });

  it("security: an unexpected failure is INTERNAL_SERVER_ERROR with the request id and no internals", async () => {
    const broken = await startTestApi();
    // The schema changes under the running server: every catalog query now fails in the database.
    await broken.db.prisma.$executeRawUnsafe(`ALTER TABLE "Model" RENAME TO "ModelGone"`);
    try {
      const { body } = await broken.client.raw(`{ models { totalCount } }`);
      expect(errorCode(body)).toBe("INTERNAL_SERVER_ERROR");
      const requestId = body.extensions?.requestId;
      expect(body.errors?.[0]?.extensions?.requestId).toBe(requestId);
      expect(body.errors?.[0]?.message).toContain(requestId as string);
      expect(JSON.stringify(body)).not.toMatch(/stack|prisma|pglite|at .*\.ts/i);
    } finally {
      await broken.close().catch(() => {});
    }
  });

  it("security: introspection is off in production", async () => {
    const prod = await startTestApi({ NODE_ENV: "production" });
    try {
      const { body } = await prod.client.raw(`{ __schema { types { name } } }`);
      expect(errorCode(body)).toBe("BAD_USER_INPUT");
      const dev = await api.client.raw(`{ __schema { queryType { name } } }`);
      expect(dev.body.errors).toBeUndefined();
    } finally {
      await prod.close();
    }
  });
});
