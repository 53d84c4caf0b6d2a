// The standing attack suite: the shared checks for every root field of the schema and every
// HTTP route, generated from the schema itself so that a new operation is covered without
// writing its checks by hand, plus property-based inputs for the text, image and
// idempotency paths. A new root field without a declared access rule fails here.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ALL_SCOPES, ERROR_CODES } from "@modelmarket/domain";
import { mathSymbols } from "@modelmarket/model-zoo";
import fc from "fast-check";
import {
  type GraphQLArgument,
  type GraphQLSchema,
  getIntrospectionQuery,
  getNamedType,
  isListType,
  isNonNullType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declaredAccess } from "../src/graphql/access";
import { buildApiSchema } from "../src/schema";
import {
  apiKeyClient,
  FREE_PLAN,
  publishTinyModel,
  publishZooModelOverHttp,
  signUpTenant,
  startTestApi,
  subscribeTo,
  type TestApi,
  type TestTenant,
} from "./harness";
import { type Body, call, codeOf, type RootField, rootFields } from "./schema-operations";

let api: TestApi;
let schema: GraphQLSchema;
let roots: RootField[];
/** Tenant A owns the things tenant B must never reach. */
let owner: TestTenant;
let intruder: TestTenant;
const ids: Record<string, string> = {};
let textModel: string;
let imageModel: string;

const CONTRACT_CODES = new Set<string>(ERROR_CODES);

const ruleOf = (name: string) => declaredAccess().get(name);

beforeAll(async () => {
  api = await startTestApi({}, { inference: true });
  schema = await buildApiSchema();
  roots = rootFields(schema);
  owner = await signUpTenant(api, "Owner");
  intruder = await signUpTenant(api, "Intruder");
  // The owner's things: a private model with a plan, a subscription, a key, a billed call.
  const priv = await publishTinyModel(owner, { visibility: "PRIVATE" });
  ids.model = priv.slug;
  ids.plan = priv.plans[0]?.id as string;
  const sub = await owner.client.request<{ subscribe: { id: string } }>(
    `mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`,
    { m: priv.slug, p: ids.plan },
  );
  ids.subscription = sub.subscribe.id;
  const key = await apiKeyClient(api, owner, ["inference"]);
  ids.apiKey = key.apiKey.id;
  const { body } = await key.client.raw(`mutation($m: String!) { classifyText(model: $m, inputs: ["hi"]) { label } }`, {
    m: priv.slug,
  });
  ids.request = (body.extensions as { requestId: string }).requestId;
  ids.tenant = owner.tenantId;
  ids.user = owner.userId;
  // Public models the intruder subscribes to, for the property-based paths.
  const publisher = await signUpTenant(api, "Publisher");
  // Generous plans: the properties below make many calls a minute.
  const roomy = { ...FREE_PLAN, includedUnits: 1_000_000, rateLimitPerMinute: 1_000_000 };
  const text = await publishTinyModel(publisher, { plans: [roomy] });
  textModel = text.slug;
  await subscribeTo(intruder, textModel, text.plans[0]?.id);
  const image = await publishZooModelOverHttp(
    publisher,
    await mathSymbols(fs.mkdtempSync(path.join(os.tmpdir(), "zoo-"))),
    {
      name: "attack symbols",
      plans: [roomy],
    },
  );
  imageModel = image.slug;
  await subscribeTo(intruder, imageModel, image.plans[0]?.id);
}, 180_000);
afterAll(() => api?.close());

describe("attack suite: every root field", () => {
  it("security: every root field declares its access rule (public, signed in, or a scope)", () => {
    const missing = roots.map((r) => r.field.name).filter((name) => !declaredAccess().has(name));
    expect(missing, "root fields without @Access").toEqual([]);
    // Subscriptions (served over SSE at /graphql/stream, tested in their task's suite) have rules too.
    const subscriptions = Object.keys(schema.getSubscriptionType()?.getFields() ?? {});
    const missingOnSubscriptions = subscriptions.filter((name) => !declaredAccess().has(name));
    expect(missingOnSubscriptions, "subscription fields without @Access").toEqual([]);
    const stale = [...declaredAccess().keys()].filter(
      (name) => !roots.some((r) => r.field.name === name) && !subscriptions.includes(name),
    );
    expect(stale, "@Access rules of no root field").toEqual([]);
    expect(roots.length).toBeGreaterThanOrEqual(23);
  });

  it("security: without credentials, every non-public root field is UNAUTHENTICATED before it runs", async () => {
    for (const root of roots.filter((r) => ruleOf(r.field.name) !== "public")) {
      const { body, query } = await call(api.client, root);
      expect(codeOf(body), query).toBe("UNAUTHENTICATED");
      expect(body.data?.[root.field.name] ?? null, query).toBeNull();
    }
  });

  it("security: a credential without the field's scope is FORBIDDEN, naming the scope", async () => {
    for (const root of roots) {
      const rule = ruleOf(root.field.name);
      if (!rule || rule === "public" || rule === "signedIn") continue;
      const others = ALL_SCOPES.filter((s) => s !== rule);
      const { client } = await apiKeyClient(api, intruder, [...others]);
      const { body, query } = await call(client, root);
      expect(codeOf(body), query).toBe("FORBIDDEN");
      expect(body.errors?.[0]?.message, query).toContain(rule);
    }
  });

  it("security: another tenant's ids and private slugs reach nothing (NOT_FOUND, BAD_USER_INPUT or null)", async () => {
    const idLike = (a: GraphQLArgument) => getNamedType(a.type).name === "ID" || /^(model|slug|id|.*Id)$/.test(a.name);
    for (const root of roots) {
      const targets = root.field.args.filter(
        (a) => idLike(a) && !isListType(isNonNullType(a.type) ? a.type.ofType : a.type),
      );
      for (const arg of targets) {
        for (const [what, value] of Object.entries(ids)) {
          const { body, query } = await call(intruder.client, root, { [arg.name]: value });
          const data = body.data?.[root.field.name] ?? null;
          const code = codeOf(body);
          const label = `${query} with ${arg.name} = owner's ${what}`;
          if (code) expect(["NOT_FOUND", "BAD_USER_INPUT", "FORBIDDEN"], label).toContain(code);
          else expect(data, label).toBeNull();
        }
      }
    }
    // And the owner's things are untouched.
    const key = await api.db.prisma.apiKey.findUniqueOrThrow({ where: { id: ids.apiKey } });
    expect(key.revokedAt).toBeNull();
    const sub = await api.db.prisma.subscription.findUniqueOrThrow({ where: { id: ids.subscription } });
    expect(sub.status).toBe("ACTIVE");
  });

  it("error: malformed (NUL) and oversize text in every string argument is a coded error, never internal", async () => {
    const { client } = await apiKeyClient(api, intruder, [...ALL_SCOPES]);
    const huge = "y".repeat(200_000);
    for (const root of roots) {
      const strings = root.field.args.filter((a) => ["String", "ID"].includes(getNamedType(a.type).name));
      for (const arg of strings) {
        const list = isListType(isNonNullType(arg.type) ? arg.type.ofType : arg.type);
        const nul = await call(client, root, { [arg.name]: list ? ["a\u0000b"] : "a\u0000b" });
        expect(codeOf(nul.body), `${nul.query} NUL in ${arg.name}`).toBe("BAD_USER_INPUT");
        expect(nul.body.errors?.[0]?.extensions?.field, nul.query).toMatch(new RegExp(`^${arg.name}`));
        const big = await call(client, root, { [arg.name]: list ? [huge] : huge });
        const code = codeOf(big.body);
        expect(code, `${big.query} oversize ${arg.name} was accepted`).toBeDefined();
        expect(CONTRACT_CODES.has(code as string), `${big.query} oversize ${arg.name}: ${code}`).toBe(true);
        expect(code, `${big.query} oversize ${arg.name}`).not.toBe("INTERNAL_SERVER_ERROR");
      }
    }
  });
});

describe("attack suite: HTTP routes", () => {
  it("security: uploads need credentials and the models:write scope; oversize bodies are refused with a code", async () => {
    const url = `${api.url}/v1/artifacts?kind=asset`;
    const anonymous = await fetch(url, { method: "POST", body: "x" });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
    const { secret } = await apiKeyClient(api, intruder, ["inference"]);
    const scoped = await fetch(url, { method: "POST", body: "x", headers: { authorization: `Bearer ${secret}` } });
    expect(scoped.status).toBe(403);
    expect(((await scoped.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
    const unsigned = await fetch(`${api.url}/webhooks/stripe`, { method: "POST", body: "{}" });
    expect(unsigned.status).toBeGreaterThanOrEqual(400);
    expect(unsigned.status).toBeLessThan(500);
  });
});

describe("attack suite: request shapes", () => {
  type Answer = { status: number; body: { errors?: { message: string; extensions?: { code?: string } }[] } };
  const post = async (body: string, token?: string): Promise<Answer> => {
    const res = await fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
    return { status: res.status, body: (await res.json()) as Answer["body"] };
  };
  const get = async (params: Record<string, string>): Promise<Answer> => {
    const res = await fetch(`${api.url}/graphql?${new URLSearchParams(params)}`, {
      headers: { "apollo-require-preflight": "true" },
    });
    return { status: res.status, body: (await res.json()) as Answer["body"] };
  };
  const refused = (answer: Answer, what: string) => {
    expect(answer.status, what).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code, what).toBe("BAD_USER_INPUT");
  };

  it("security: an operationName the document does not define is BAD_USER_INPUT, never INTERNAL (no credentials needed)", async () => {
    refused(await post(JSON.stringify({ query: "query A { __typename }", operationName: "B" })), "unknown name");
    refused(
      await post(JSON.stringify({ query: "query A { __typename } query C { __typename }", operationName: "B" })),
      "unknown among several",
    );
    refused(await post(JSON.stringify({ query: "query A { __typename } query C { __typename }" })), "no name, several");
    refused(await get({ query: "query A { __typename }", operationName: "B" }), "GET");
    // A catalog query (the response cache's path) with an unknown name, signed in.
    refused(
      await post(JSON.stringify({ query: "query A { models { totalCount } }", operationName: "Z" }), owner.token),
      "catalog",
    );
  });

  it("security: variables nested 5,000 deep are BAD_USER_INPUT before anything walks them (no stack overflow)", async () => {
    // Written by hand: JSON.stringify itself would overflow on such a value.
    const object = `${'{"a":'.repeat(5_000)}"x"${"}".repeat(5_000)}`;
    const list = `${"[".repeat(5_000)}"x"${"]".repeat(5_000)}`;
    const cases = [
      `{"query":"query($v: String) { __typename }","variables":{"v":${object}}}`,
      `{"query":"mutation($i: SignUpInput!) { signUp(input: $i) { token } }","variables":{"i":{"email":${object}}}}`,
      `{"query":"mutation($v: [String!]!) { classifyText(model: \\"a/b\\", inputs: $v) { label } }","variables":{"v":${list}}}`,
      `{"query":"{ __typename }","extensions":${object}}`,
    ];
    for (const body of cases) {
      refused(await post(body), body.slice(0, 60));
      refused(await post(body, owner.token), `${body.slice(0, 60)} signed in`);
    }
    // In a GET's query string (as deep as a URL can carry).
    const inUrl = `{"v":${'{"a":'.repeat(200)}"x"${"}".repeat(200)}}`;
    refused(await get({ query: "query($v: String) { __typename }", variables: inUrl }), "GET");
  });

  it("security: a document of thousands of repeated fields is refused before validation (no quadratic CPU)", async () => {
    const repeated = [
      `{ ${"__typename ".repeat(990)} }`,
      `{ ${"me { id } ".repeat(990)} }`,
      `{ ${Array.from({ length: 990 }, (_, i) => `a${i}: __typename`).join(" ")} }`,
      `query { models { edges { node { ${"slug ".repeat(500)} } } } }`,
    ];
    for (const query of repeated) {
      const answer = await post(JSON.stringify({ query }));
      refused(answer, query.slice(0, 40));
      expect(answer.body.errors?.[0]?.message).toMatch(/at most 300/);
    }
    // The largest real documents still pass: a full introspection query.
    const introspection = await post(JSON.stringify({ query: getIntrospectionQuery({ descriptions: true }) }));
    expect(introspection.status).toBe(200);
  });

  it("security: NUL, control characters, repeats and over-long values in every REST parameter are BAD_USER_INPUT before a byte is stored", async () => {
    const { secret } = await apiKeyClient(api, owner, ["models:write"]);
    const upload = (query: string) =>
      fetch(`${api.url}/v1/artifacts?${query}`, {
        method: "POST",
        body: "{}",
        headers: { authorization: `Bearer ${secret}` },
      });
    const before = await api.db.prisma.artifact.count();
    for (const query of [
      "kind=asset&filename=a%00b.json",
      "kind=asset&filename=a%0Ab.json",
      "kind=asset&filename=a%1Bb.json",
      `kind=asset&filename=${"x".repeat(5_000)}`,
      "kind=asset&filename=a.json&filename=b.json",
      "kind=as%00set",
      "kind=asset&kind=model",
    ]) {
      const res = await upload(query);
      expect(res.status, query.slice(0, 60)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, query.slice(0, 60)).toBe("BAD_USER_INPUT");
    }
    expect(await api.db.prisma.artifact.count()).toBe(before);
    // A 255-character name is kept whole, not cut.
    const name = `${"n".repeat(250)}.json`;
    const ok = await upload(`kind=asset&filename=${name}`);
    expect(ok.status).toBe(201);
    const { id } = (await ok.json()) as { id: string };
    expect((await api.db.prisma.artifact.findUniqueOrThrow({ where: { id } })).fileName).toBe(name);
  });
});

describe("attack suite: property-based inputs", () => {
  const arbitraryText = fc.string({
    unit: fc.oneof(
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom("\u0000", "😀", "\ud800"),
    ),
    maxLength: 300,
  });

  it("security: any text to classifyText is an answer or a coded client error, never internal", async () => {
    const { client } = await apiKeyClient(api, intruder, ["inference"]);
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryText, { minLength: 0, maxLength: 3 }), async (texts) => {
        const { body } = await client.raw(
          `mutation($m: String!, $t: [String!]!) { classifyText(model: $m, inputs: $t) { label } }`,
          {
            m: textModel,
            t: texts,
          },
        );
        const code = codeOf(body as Body);
        if (code) expect(["BAD_USER_INPUT", "PAYLOAD_TOO_LARGE", "QUOTA_EXCEEDED", "RATE_LIMITED"]).toContain(code);
      }),
      { numRuns: 40 },
    );
  });

  it("security: any bytes as an image are BAD_USER_INPUT or PAYLOAD_TOO_LARGE, never internal", async () => {
    const { client } = await apiKeyClient(api, intruder, ["inference"]);
    const pngHeader = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }),
      fc.uint8Array({ maxLength: 2048 }).map((b) => Uint8Array.from([...pngHeader, ...b])),
      fc.uint8Array({ maxLength: 2048 }).map((b) => Uint8Array.from([0xff, 0xd8, 0xff, ...b])),
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (image) => {
        const { body } = await client.raw(
          `mutation($m: String!, $i: [ImageInput!]!) { classifyImage(model: $m, images: $i) { label } }`,
          { m: imageModel, i: [{ base64: Buffer.from(image).toString("base64") }] },
        );
        const code = codeOf(body as Body);
        expect(code).toBeDefined();
        expect(["BAD_USER_INPUT", "PAYLOAD_TOO_LARGE", "QUOTA_EXCEEDED", "RATE_LIMITED"]).toContain(code);
      }),
      { numRuns: 40 },
    );
  });

  it("security: any Idempotency-Key is either used as documented or refused as BAD_USER_INPUT (400)", async () => {
    const { secret } = await apiKeyClient(api, intruder, ["inference"]);
    const headerText = fc.string({
      unit: fc.oneof(
        fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
        fc.constantFrom("\t", "é", "ÿ"),
      ),
      maxLength: 260,
    });
    await fc.assert(
      fc.asyncProperty(headerText, async (key) => {
        const res = await fetch(`${api.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${secret}`, "idempotency-key": key },
          body: JSON.stringify({
            query: `mutation($m: String!) { classifyText(model: $m, inputs: ["same text"]) { label } }`,
            variables: { m: textModel },
          }),
        });
        const body = (await res.json()) as Body;
        // What reaches the server is the header as fetch sends it: trimmed of outer whitespace.
        const sent = key.replace(/^[\t ]+|[\t ]+$/g, "");
        if (/^[\x21-\x7e]{1,200}$/.test(sent)) {
          const code = codeOf(body);
          if (code) expect(["QUOTA_EXCEEDED", "RATE_LIMITED"]).toContain(code);
          else expect(res.status).toBe(200);
        } else {
          expect(res.status).toBe(400);
          expect(codeOf(body)).toBe("BAD_USER_INPUT");
        }
      }),
      { numRuns: 60 },
    );
  });
});
