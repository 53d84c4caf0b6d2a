import { newId } from "@modelmarket/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyClient, errorCode, publishTinyModel, signUpTenant, startTestApi, type TestApi } from "./harness";

const SUBSCRIBE = `mutation($model: String!, $planId: ID!) {
  subscribe(model: $model, planId: $planId) {
    id status usedUnits currentPeriodStart currentPeriodEnd model { slug } plan { id name }
  }
}`;
const CANCEL = `mutation($id: ID!) { cancelSubscription(id: $id) { id status } }`;
const LIST = `{ subscriptions { id status usedUnits model { slug } plan { name } } }`;

type Sub = { id: string; status: string; usedUnits: number; currentPeriodStart: string; currentPeriodEnd: string };

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

async function setup() {
  const publisher = await signUpTenant(api, "Publisher");
  const consumer = await signUpTenant(api, "Consumer");
  const model = await publishTinyModel(publisher);
  return { publisher, consumer, model, free: model.plans[0]?.id as string, pro: model.plans[1]?.id as string };
}

describe("subscribe", () => {
  it("happy: subscribes to a plan for a one-month period and lists it", async () => {
    const { consumer, model, pro } = await setup();
    const data = await consumer.client.request<{ subscribe: Sub & { plan: { name: string } } }>(SUBSCRIBE, {
      model: model.slug,
      planId: pro,
    });
    const sub = data.subscribe;
    expect(sub.status).toBe("ACTIVE");
    expect(sub.plan.name).toBe("Pro");
    expect(sub.usedUnits).toBe(0);
    const start = new Date(sub.currentPeriodStart);
    const end = new Date(sub.currentPeriodEnd);
    expect(end.getUTCMonth()).toBe((start.getUTCMonth() + 1) % 12);
    const list = await consumer.client.request<{ subscriptions: { id: string }[] }>(LIST);
    expect(list.subscriptions.map((s) => s.id)).toEqual([sub.id]);
    const audit = await api.db.prisma.auditLog.count({
      where: { tenantId: consumer.tenantId, action: "subscription.created" },
    });
    expect(audit).toBe(1);
  });

  it("error: a second live subscription to the same model is BAD_USER_INPUT, also when racing", async () => {
    const { consumer, model, free, pro } = await setup();
    const results = await Promise.all(
      [free, pro, free, pro].map((planId) => consumer.client.raw(SUBSCRIBE, { model: model.slug, planId })),
    );
    const ok = results.filter((r) => !r.body.errors);
    expect(ok).toHaveLength(1);
    for (const r of results.filter((r) => r.body.errors)) expect(errorCode(r.body)).toBe("BAD_USER_INPUT");
    expect(await api.db.prisma.subscription.count({ where: { tenantId: consumer.tenantId } })).toBe(1);
  });

  it("error: a plan of another model, or an unknown model, is NOT_FOUND", async () => {
    const { consumer, model } = await setup();
    const other = await setup();
    expect(errorCode((await consumer.client.raw(SUBSCRIBE, { model: model.slug, planId: other.free })).body)).toBe(
      "NOT_FOUND",
    );
    expect(errorCode((await consumer.client.raw(SUBSCRIBE, { model: "no/such", planId: other.free })).body)).toBe(
      "NOT_FOUND",
    );
  });

  it("security: subscribing needs billing:write; listing needs billing:read", async () => {
    const { consumer, model, free } = await setup();
    const { client } = await apiKeyClient(api, consumer, ["inference", "billing:read"]);
    expect(errorCode((await client.raw(SUBSCRIBE, { model: model.slug, planId: free })).body)).toBe("FORBIDDEN");
    expect((await client.raw(LIST)).body.errors).toBeUndefined();
    const inferenceOnly = await apiKeyClient(api, consumer, ["inference"]);
    expect(errorCode((await inferenceOnly.client.raw(LIST)).body)).toBe("FORBIDDEN");
    expect(errorCode((await api.client.raw(LIST)).body)).toBe("UNAUTHENTICATED");
  });
});

describe("cancelSubscription", () => {
  it("happy: cancels, allows a new subscription afterwards, and is idempotent", async () => {
    const { consumer, model, free, pro } = await setup();
    const first = await consumer.client.request<{ subscribe: Sub }>(SUBSCRIBE, { model: model.slug, planId: free });
    const canceled = await consumer.client.request<{ cancelSubscription: Sub }>(CANCEL, { id: first.subscribe.id });
    expect(canceled.cancelSubscription.status).toBe("CANCELED");
    const again = await consumer.client.request<{ cancelSubscription: Sub }>(CANCEL, { id: first.subscribe.id });
    expect(again.cancelSubscription.status).toBe("CANCELED");
    const second = await consumer.client.request<{ subscribe: Sub }>(SUBSCRIBE, { model: model.slug, planId: pro });
    expect(second.subscribe.status).toBe("ACTIVE");
    const list = await consumer.client.request<{ subscriptions: Sub[] }>(LIST);
    expect(list.subscriptions.map((s) => s.status)).toEqual(["ACTIVE", "CANCELED"]);
    const audit = await api.db.prisma.auditLog.count({
      where: { tenantId: consumer.tenantId, action: "subscription.canceled" },
    });
    expect(audit).toBe(1);
  });

  it("security: another tenant's subscription is NOT_FOUND and stays active", async () => {
    const { consumer, model, free } = await setup();
    const stranger = await signUpTenant(api);
    const sub = await consumer.client.request<{ subscribe: Sub }>(SUBSCRIBE, { model: model.slug, planId: free });
    expect(errorCode((await stranger.client.raw(CANCEL, { id: sub.subscribe.id })).body)).toBe("NOT_FOUND");
    const row = await api.db.prisma.subscription.findUniqueOrThrow({ where: { id: sub.subscribe.id } });
    expect(row.status).toBe("ACTIVE");
    const strangerList = await stranger.client.request<{ subscriptions: unknown[] }>(LIST);
    expect(strangerList.subscriptions).toEqual([]);
  });
});

describe("usedUnits", () => {
  it("happy: sums successful usage events of the current period only", async () => {
    const { consumer, model, free } = await setup();
    const sub = await consumer.client.request<{ subscribe: Sub }>(SUBSCRIBE, { model: model.slug, planId: free });
    const version = await api.db.prisma.modelVersion.findFirstOrThrow({ where: { modelId: model.id } });
    const event = (units: number, outcome: "SUCCESS" | "ERROR", createdAt = new Date()) => ({
      id: newId("usageEvent"),
      requestId: newId("request"),
      tenantId: consumer.tenantId,
      subscriptionId: sub.subscribe.id,
      modelVersionId: version.id,
      units,
      outcome,
      latencyMs: 5,
      createdAt,
    });
    await api.db.prisma.usageEvent.createMany({
      data: [
        event(3, "SUCCESS"),
        event(4, "SUCCESS"),
        event(50, "ERROR"),
        event(9, "SUCCESS", new Date(Date.now() - 40 * 86400_000)),
      ],
    });
    // A second subscription with no events must not borrow the first one's units.
    const other = await publishTinyModel(await signUpTenant(api, "Other publisher"));
    const second = await consumer.client.request<{ subscribe: Sub }>(SUBSCRIBE, {
      model: other.slug,
      planId: other.plans[0]?.id,
    });
    const list = await consumer.client.request<{ subscriptions: Sub[] }>(LIST);
    const used = Object.fromEntries(list.subscriptions.map((s) => [s.id, s.usedUnits]));
    expect(used).toEqual({ [sub.subscribe.id]: 7, [second.subscribe.id]: 0 });
  });
});
