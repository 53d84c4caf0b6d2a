import { parseServerTiming } from "@modelmarket/kserve";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyClient,
  errorCode,
  publishTinyModel,
  signUpTenant,
  startTestApi,
  subscribeTo,
  type TestApi,
  usedUnits,
} from "./harness";

// The API calls a tier on its machine over the tier's Unix socket (as `npm start` runs them),
// and any other over HTTP: both must answer the same, say where the time went, and bill alike.
const CLASSIFY = `mutation($model: String!, $inputs: [String!]!) { classifyText(model: $model, inputs: $inputs) { label score } }`;
const TEXTS = ["a short one", "a somewhat longer text than the first", "mid length text"];

type Setup = {
  api: TestApi;
  call: (inputs: string[]) => Promise<Response>;
  slug: string;
  tenant: Awaited<ReturnType<typeof signUpTenant>>;
};
const setups: Record<"socket" | "http", Setup> = {} as Record<"socket" | "http", Setup>;

async function setUp(transport: "socket" | "http"): Promise<Setup> {
  const api = await startTestApi({}, { inference: true, tierTransport: transport });
  const publisher = await signUpTenant(api, `Transport ${transport}`);
  const model = await publishTinyModel(publisher);
  const tenant = await signUpTenant(api, `Caller ${transport}`);
  await subscribeTo(tenant, model.slug, model.plans[0]?.id);
  const key = await apiKeyClient(api, tenant, ["inference"]);
  const call = (inputs: string[]) =>
    fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key.secret}` },
      body: JSON.stringify({ query: CLASSIFY, variables: { model: model.slug, inputs } }),
    });
  return { api, call, slug: model.slug, tenant };
}

/** What the tier counted, by transport, from its Prometheus metrics. */
async function tierRequests(api: TestApi): Promise<Record<string, number>> {
  const res = await fetch(`${api.services.env.INFERENCE_URL}/metrics`, {
    headers: { authorization: `Bearer ${api.services.env.inferenceSecret}` },
  });
  const counts: Record<string, number> = {};
  for (const line of (await res.text()).split("\n")) {
    if (!line.startsWith("inference_requests_total{")) continue;
    const transport = /transport="(\w+)"/.exec(line)?.[1] ?? "?";
    counts[transport] = (counts[transport] ?? 0) + Number(line.split(" ").pop());
  }
  return counts;
}

beforeAll(async () => {
  setups.socket = await setUp("socket");
  setups.http = await setUp("http");
}, 120_000);
afterAll(async () => {
  await setups.socket?.api.close();
  await setups.http?.api.close();
});

describe("API → tier transport", () => {
  it("happy: the same call over the tier's socket and over HTTP answers the same, each on the transport it should use", async () => {
    const answers = [];
    for (const transport of ["socket", "http"] as const) {
      const res = await setups[transport].call(TEXTS);
      const body = (await res.json()) as { data: { classifyText: { label: string; score: number }[] } };
      answers.push(body.data.classifyText);
      const counted = await tierRequests(setups[transport].api);
      expect(Object.keys(counted), transport).toEqual([transport]);
    }
    expect(answers[0]).toEqual(answers[1]);
  });

  it("happy: an inference call's Server-Timing header says where its time went, the tier's phases inside the model's", async () => {
    for (const transport of ["socket", "http"] as const) {
      const res = await setups[transport].call(TEXTS);
      expect(res.status).toBe(200);
      const phases = Object.fromEntries(parseServerTiming(res.headers.get("server-timing")));
      for (const name of [
        "admit",
        "tier-queue",
        "tier-worker",
        "tier-compute",
        "tier",
        "tier-call",
        "model",
        "commit",
        "total",
      ]) {
        expect(phases[name], `${transport}: ${name}`).toBeGreaterThanOrEqual(0);
      }
      const p = phases as Record<string, number>;
      // Nested phases never exceed what holds them (two-decimal rounding aside).
      expect(p["tier-compute"]).toBeLessThanOrEqual((p["tier-worker"] as number) + 0.02);
      expect(p.tier).toBeLessThanOrEqual((p["tier-call"] as number) + 0.02);
      expect(p["tier-call"]).toBeLessThanOrEqual((p.model as number) + 0.02);
      expect((p.admit as number) + (p.model as number)).toBeLessThanOrEqual((p.total as number) + 0.02);
      expect(p.graphql).toBeLessThanOrEqual((p.admit as number) + 0.02);
    }
    // A query that calls no model carries no Server-Timing.
    const plain = await fetch(`${setups.socket.api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(plain.headers.get("server-timing")).toBeNull();
  });

  it("error: a tier that is gone answers UNAVAILABLE over the socket, bills nothing, and the next tier is found again", async () => {
    const { api, call, slug, tenant } = setups.socket;
    const before = await usedUnits(tenant, slug);
    // The tier's socket file removed (the tier stopped): nothing listens there any more.
    const socketPath = api.services.env.INFERENCE_SOCKET as string;
    const fs = await import("node:fs");
    fs.renameSync(socketPath, `${socketPath}.moved`);
    // Connections already open still reach the tier; close them by restarting the client's view.
    (api.services.inference as unknown as { socket: { client: { close(): void } } }).socket.client.close();
    const res = await call(["is anyone there"]);
    const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(errorCode(body)).toBe("UNAVAILABLE");
    expect(await usedUnits(tenant, slug)).toBe(before);
    fs.renameSync(`${socketPath}.moved`, socketPath);
    const again = await call(["back again"]);
    expect(((await again.json()) as { data?: unknown }).data).toBeTruthy();
    expect(await usedUnits(tenant, slug)).toBe(before + 1);
  });
});
