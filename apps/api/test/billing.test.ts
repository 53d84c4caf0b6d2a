import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chargeCalls } from "../src/metering/charge-calls";
import { closePeriod, monthBounds, previousMonth } from "../src/use-cases/billing/close-period";
import { reconcileReservations } from "../src/use-cases/billing/reconcile-reservations";
import {
  apiKeyClient,
  errorCode,
  FREE_PLAN,
  publishTinyModel,
  signUpTenant,
  startTestApi,
  type TestApi,
  type TestTenant,
} from "./harness";

const CLASSIFY = `mutation($m: String!, $t: [String!]!) { classifyText(model: $m, inputs: $t) { label score } }`;

let api: TestApi;
let publisher: TestTenant;

beforeAll(async () => {
  api = await startTestApi({ USAGE_COMMIT_MAX_DELAY_MS: "2", BILLING_CLOSE_INTERVAL_MS: "0" }, { inference: true });
  publisher = await signUpTenant(api, "Meter Works");
}, 120_000);
afterAll(() => api?.close());

type Plan = Partial<typeof FREE_PLAN>;

/** A fresh tiny text model with one plan, a consumer subscribed to it, and the consumer's key. */
async function setUp(plan: Plan) {
  const model = await publishTinyModel(publisher, {
    plans: [{ ...FREE_PLAN, name: "Only", ...plan }],
  });
  const consumer = await signUpTenant(api, "Consumer");
  const sub = await consumer.client.request<{ subscribe: { id: string } }>(
    `mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`,
    { m: model.slug, p: model.plans[0]?.id },
  );
  const key = await apiKeyClient(api, consumer, ["inference", "billing:read", "billing:write"]);
  return { model, consumer, key, subscriptionId: sub.subscribe.id };
}

function call(key: Awaited<ReturnType<typeof apiKeyClient>>, slug: string, texts = ["hello"], idempotencyKey?: string) {
  return key.client.raw<{ classifyText: { label: string; score: number }[] }>(
    CLASSIFY,
    { m: slug, t: texts },
    idempotencyKey ? { "idempotency-key": idempotencyKey } : {},
  );
}

const events = (tenantId: string) =>
  api.db.prisma.usageEvent.findMany({ where: { tenantId, outcome: "SUCCESS" }, orderBy: { createdAt: "asc" } });

const SUBSCRIBE = `mutation($model: String!, $planId: ID!) {
  subscribe(model: $model, planId: $planId) { id usedUnits currentPeriodStart currentPeriodEnd }
}`;
const CANCEL = `mutation($id: ID!) { cancelSubscription(id: $id) { id status } }`;
type Sub = { id: string; usedUnits: number; currentPeriodStart: string; currentPeriodEnd: string };

describe("reservations after a crash", () => {
  it("security: units reserved by calls that never finished are given back from the events once quiet; recent ones stay", async () => {
    const { model, key, subscriptionId } = await setUp({ includedUnits: 10 });
    for (let i = 0; i < 3; i++) expect((await call(key, model.slug)).body.errors).toBeUndefined();
    // An instance killed mid-call: 2 units reserved, no event, nothing released.
    await api.db.prisma.subscription.update({
      where: { id: subscriptionId },
      data: { periodUnits: { increment: 2 }, lastReservedAt: new Date() },
    });
    // Recent: it could be a call still running, so it is left alone.
    await reconcileReservations(api.services, 60_000);
    expect((await api.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).periodUnits).toBe(5);
    // Quiet for longer than any call can run: reconciled to the 3 served units.
    await api.db.prisma.subscription.update({
      where: { id: subscriptionId },
      data: { lastReservedAt: new Date(Date.now() - 120_000) },
    });
    expect(await reconcileReservations(api.services, 60_000)).toBe(1);
    expect((await api.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).periodUnits).toBe(3);
    // The whole quota is usable again: 7 more calls, then QUOTA_EXCEEDED.
    for (let i = 0; i < 7; i++) expect((await call(key, model.slug)).body.errors).toBeUndefined();
    expect(errorCode((await call(key, model.slug)).body)).toBe("QUOTA_EXCEEDED");
    expect(await reconcileReservations(api.services, 0)).toBe(0);
  });
});

describe("reservations after a crash, as the caller sees them", () => {
  it("error: a refusal caused by units a killed instance still holds says so (no contradiction with usedUnits), and they come back once quiet", async () => {
    const { model, key, subscriptionId } = await setUp({ includedUnits: 3 });
    expect((await call(key, model.slug)).body.errors).toBeUndefined();
    // An instance killed mid-call: 2 units reserved, no event, nothing released.
    await api.db.prisma.subscription.update({
      where: { id: subscriptionId },
      data: { periodUnits: { increment: 2 }, lastReservedAt: new Date() },
    });
    const refused = await call(key, model.slug);
    expect(errorCode(refused.body)).toBe("QUOTA_EXCEEDED");
    expect(refused.body.errors?.[0]?.message).toMatch(
      /2 of the period's units are held by calls not finished .* within about \d+ s/,
    );
    const { subscriptions } = await key.client.request<{ subscriptions: { usedUnits: number }[] }>(
      `{ subscriptions { usedUnits } }`,
    );
    expect(subscriptions[0]?.usedUnits).toBe(1);
    // Quiet past any call's deadline: reconciled, served again.
    await api.db.prisma.subscription.update({
      where: { id: subscriptionId },
      data: { lastReservedAt: new Date(Date.now() - 60_000) },
    });
    expect(await reconcileReservations(api.services, 20_000)).toBe(1);
    expect((await call(key, model.slug)).body.errors).toBeUndefined();
  });
});

describe("subscription churn", () => {
  it("security: cancel + subscribe does not refill included units: they are per tenant, model and period", async () => {
    const included = 5;
    const { model, consumer, key, subscriptionId } = await setUp({ includedUnits: included });
    const planId = model.plans[0]?.id;
    for (let i = 0; i < included; i++) expect((await call(key, model.slug)).body.errors).toBeUndefined();
    expect(errorCode((await call(key, model.slug)).body)).toBe("QUOTA_EXCEEDED");
    const first = await api.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } });
    let previous = subscriptionId;
    for (let cycle = 0; cycle < 3; cycle++) {
      await key.client.request(CANCEL, { id: previous });
      const again = await key.client.request<{ subscribe: Sub }>(SUBSCRIBE, { model: model.slug, planId });
      // The same period goes on, with its units used.
      expect(new Date(again.subscribe.currentPeriodStart)).toEqual(first.currentPeriodStart);
      expect(new Date(again.subscribe.currentPeriodEnd)).toEqual(first.currentPeriodEnd);
      expect(again.subscribe.usedUnits).toBe(included);
      expect(errorCode((await call(key, model.slug)).body)).toBe("QUOTA_EXCEEDED");
      previous = again.subscribe.id;
    }
    const served = await api.db.prisma.usageEvent.aggregate({
      _sum: { units: true },
      where: { tenantId: consumer.tenantId, outcome: "SUCCESS" },
    });
    expect(served._sum.units).toBe(included);
  });

  it("security: re-subscribing after partial use, again and again, never refills the period's included units", async () => {
    // The review's loop: use 2, cancel; then subscribe → use until QUOTA_EXCEEDED → cancel, repeated.
    // Every re-subscription shares the period's end, so the one continued must be the latest, not the oldest.
    const included = 6;
    const { model, consumer, key, subscriptionId } = await setUp({ includedUnits: included });
    const planId = model.plans[0]?.id;
    for (let i = 0; i < 2; i++) expect((await call(key, model.slug)).body.errors).toBeUndefined();
    let previous = subscriptionId;
    let served = 2;
    for (let cycle = 0; cycle < 4; cycle++) {
      await key.client.request(CANCEL, { id: previous });
      const again = await key.client.request<{ subscribe: Sub }>(SUBSCRIBE, { model: model.slug, planId });
      expect(again.subscribe.usedUnits).toBe(Math.min(served, included));
      for (let i = 0; i < included + 1; i++) {
        const res = await call(key, model.slug);
        if (res.body.errors) {
          expect(errorCode(res.body)).toBe("QUOTA_EXCEEDED");
          break;
        }
        served++;
      }
      previous = again.subscribe.id;
    }
    expect(served).toBe(included);
    const events = await api.db.prisma.usageEvent.aggregate({
      _sum: { units: true },
      where: { tenantId: consumer.tenantId, outcome: "SUCCESS" },
    });
    expect(events._sum.units).toBe(included);
  });

  it("security: the call path's cached subscription never serves what the database refuses", async () => {
    const { model, key, subscriptionId } = await setUp({ includedUnits: 50 });
    const planId = model.plans[0]?.id;
    expect((await call(key, model.slug)).body.errors).toBeUndefined(); // cached now
    // Past due behind the API's back (no invalidation): the reservation re-checks the status.
    await api.db.prisma.subscription.update({ where: { id: subscriptionId }, data: { status: "PAST_DUE" } });
    expect(errorCode((await call(key, model.slug)).body)).toBe("FORBIDDEN");
    await api.db.prisma.subscription.update({ where: { id: subscriptionId }, data: { status: "ACTIVE" } });
    expect((await call(key, model.slug)).body.errors).toBeUndefined();
    // Cancel is refused on the very next call; a new subscription serves at once.
    await key.client.request(CANCEL, { id: subscriptionId });
    expect(errorCode((await call(key, model.slug)).body)).toBe("FORBIDDEN");
    const again = await key.client.request<{ subscribe: Sub }>(SUBSCRIBE, { model: model.slug, planId });
    expect((await call(key, model.slug)).body.errors).toBeUndefined();
    const served = await api.db.prisma.usageEvent.groupBy({
      by: ["subscriptionId"],
      where: { subscriptionId: { in: [subscriptionId, again.subscribe.id] }, outcome: "SUCCESS" },
      _sum: { units: true },
    });
    expect(Object.fromEntries(served.map((g) => [g.subscriptionId, g._sum.units]))).toEqual({
      [subscriptionId]: 2,
      [again.subscribe.id]: 1,
    });
  });

  it("happy: once the earlier subscription's period has ended, a new subscription starts a fresh period", async () => {
    const { model, key, subscriptionId } = await setUp({ includedUnits: 5 });
    await key.client.request(CANCEL, { id: subscriptionId });
    // Its period ended in the past (as if canceled last month, quota used up).
    await api.db.prisma.subscription.update({
      where: { id: subscriptionId },
      data: { periodUnits: 5, currentPeriodEnd: new Date(Date.now() - 1000) },
    });
    const again = await key.client.request<{ subscribe: Sub }>(SUBSCRIBE, {
      model: model.slug,
      planId: model.plans[0]?.id,
    });
    expect(again.subscribe.usedUnits).toBe(0);
    expect(new Date(again.subscribe.currentPeriodStart).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await call(key, model.slug)).body.errors).toBeUndefined();
  });
});

describe("metering", () => {
  it("happy: every successful call is one durable event (one unit per input), with a receipt under its request id", async () => {
    const { model, consumer, key } = await setUp({ includedUnits: 100 });
    const res = await call(key, model.slug, ["hello", "hello world", "hello worlds"]);
    expect(res.body.errors).toBeUndefined();
    const requestId = (res.body.extensions as { requestId: string }).requestId;
    // Committed before the response was sent: visible at once.
    const rows = await events(consumer.tenantId);
    expect(rows.map((e) => [e.requestId, e.units])).toEqual([[requestId, 3]]);
    const receipt = await key.client.request<{ receipt: Record<string, unknown> }>(
      `query($r: ID!) { receipt(requestId: $r) { requestId model version units amountMicros } }`,
      { r: requestId },
    );
    expect(receipt.receipt).toEqual({ requestId, model: model.slug, version: "1.0.0", units: 3, amountMicros: 0 });
    const other = await apiKeyClient(api, await signUpTenant(api, "Snoop"), ["billing:read"]);
    // Another tenant's call, and an id that was never issued: NOT_FOUND alike, saying where ids come from.
    for (const r of [requestId, "req_never_issued"]) {
      const snoop = await other.client.raw<{ receipt: unknown }>(
        `query($r: ID!) { receipt(requestId: $r) { units } }`,
        {
          r,
        },
      );
      expect(errorCode(snoop.body)).toBe("NOT_FOUND");
      expect(snoop.body.errors?.[0]?.message).toMatch(/extensions\.requestId/);
    }
  });

  it("security: one inference call per request, refused before anything runs or is billed", async () => {
    const { model, consumer, key, subscriptionId } = await setUp({ includedUnits: 100 });
    const { body } = await key.client.raw(
      `mutation($m: String!) { a: classifyText(model: $m, inputs: ["hello"]) { label } b: classifyText(model: $m, inputs: ["hello"]) { label } }`,
      { m: model.slug },
    );
    expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/One inference call per request/);
    // Through a fragment too.
    const viaFragment = await key.client.raw(
      `mutation($m: String!) { ...Two } fragment Two on Mutation { a: classifyText(model: $m, inputs: ["x"]) { label } b: embedText(model: $m, inputs: ["y"]) { values } }`,
      { m: model.slug },
    );
    expect(viaFragment.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await api.db.prisma.usageEvent.count({ where: { tenantId: consumer.tenantId } })).toBe(0);
    const sub = await api.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } });
    expect(sub.periodUnits).toBe(0);
  });

  it("security: an Idempotency-Key that breaks the rules (empty, spaces, over 200 characters) is BAD_USER_INPUT, not ignored", async () => {
    const { model, consumer, key } = await setUp({ includedUnits: 100 });
    for (const bad of ["", "has space", "k".repeat(201), "tab\tkey"]) {
      const res = await fetch(`${api.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${key.secret}`,
          "idempotency-key": bad,
        },
        body: JSON.stringify({ query: CLASSIFY, variables: { m: model.slug, t: ["hello"] } }),
      });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      const body = (await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
      expect(body.errors[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "Idempotency-Key" });
      expect(body.errors[0]?.extensions.requestId).toMatch(/^req_/);
      expect(body.errors[0]?.message).toMatch(/1 to 200 printable/);
    }
    expect(await api.db.prisma.usageEvent.count({ where: { tenantId: consumer.tenantId } })).toBe(0);
    expect((await call(key, model.slug, ["hello"], "k".repeat(200))).body.errors).toBeUndefined();
  });

  it("happy: quota of 20 under 32 concurrent callers → exactly 20 units served, the rest QUOTA_EXCEEDED", async () => {
    const { model, consumer, key } = await setUp({ includedUnits: 20, unitPriceMicros: 0, rateLimitPerMinute: 1000 });
    const results = await Promise.all(Array.from({ length: 40 }, () => call(key, model.slug)));
    const ok = results.filter((r) => !r.body.errors);
    const refused = results.filter((r) => errorCode(r.body) === "QUOTA_EXCEEDED");
    expect(ok).toHaveLength(20);
    expect(refused).toHaveLength(20);
    expect(refused[0]?.body.errors?.[0]?.message).toMatch(/includes 20 units per period; 0 left/);
    const rows = await events(consumer.tenantId);
    expect(rows.reduce((s, e) => s + e.units, 0)).toBe(20);
  });

  it("happy: retries with the same Idempotency-Key return the first result and are billed once, under concurrency", {
    timeout: 120_000,
  }, async () => {
    const { model, consumer, key } = await setUp({ includedUnits: 10_000, rateLimitPerMinute: 10_000 });
    // 8 clients × 500 calls on PostgreSQL (the issue's load), fewer on in-process PGlite.
    const calls = process.env.TEST_DB === "postgres" ? 4_000 : 480;
    const keys = Array.from({ length: calls / 2 }, () => crypto.randomUUID());
    // 8 clients; each key is sent 1–3 times (2 on average), some retries racing the first attempt.
    const attempts = keys.flatMap((k, i) => Array.from({ length: 1 + (i % 3) }, () => k));
    const clients = Array.from({ length: 8 }, (_, c) => attempts.filter((_, i) => i % 8 === c));
    const results = await Promise.all(
      clients.map(async (mine) => {
        const out = [];
        for (const k of mine) out.push({ k, res: await call(key, model.slug, ["hello world"], k) });
        return out;
      }),
    );
    const flat = results.flat();
    expect(flat.every((r) => !r.res.body.errors)).toBe(true);
    const rows = await events(consumer.tenantId);
    expect(rows).toHaveLength(keys.length);
    expect(new Set(rows.map((e) => e.idempotencyKey))).toEqual(new Set(keys));
    // Every attempt of a key got the same answer.
    for (const k of keys) {
      const answers = new Set(flat.filter((r) => r.k === k).map((r) => JSON.stringify(r.res.body.data)));
      expect(answers.size).toBe(1);
    }
  });

  it("happy: a replay answers with the original call's request id, whose receipt resolves", async () => {
    const { model, key } = await setUp({ includedUnits: 100 });
    const idem = `replay-${Date.now()}`;
    const first = await call(key, model.slug, ["hello"], idem);
    const again = await call(key, model.slug, ["hello"], idem);
    const firstId = (first.body.extensions as { requestId: string }).requestId;
    expect((again.body.extensions as { requestId: string }).requestId).toBe(firstId);
    expect((again.body.extensions as { replayed?: boolean }).replayed).toBe(true);
    const receipt = await key.client.request<{ receipt: { units: number } | null }>(
      `query($r: ID!) { receipt(requestId: $r) { units } }`,
      { r: firstId },
    );
    expect(receipt.receipt?.units).toBe(1);
  });

  it("error: the same Idempotency-Key with a different input is BAD_USER_INPUT and bills nothing", async () => {
    const { model, consumer, key } = await setUp({ includedUnits: 100 });
    const k = crypto.randomUUID();
    expect((await call(key, model.slug, ["hello"], k)).body.errors).toBeUndefined();
    const { body } = await call(key, model.slug, ["hello world"], k);
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/already used with a different input/);
    expect(await events(consumer.tenantId)).toHaveLength(1);
  });

  it("happy: beyond the included units a plan with a unit price bills overage; a spend cap stops it", async () => {
    const { model, consumer, key, subscriptionId } = await setUp({
      includedUnits: 2,
      unitPriceMicros: 2_500,
      monthlyFeeCents: 100,
      rateLimitPerMinute: 1000,
    });
    for (let i = 0; i < 3; i++) expect((await call(key, model.slug, ["hello", "hello"])).body.errors).toBeUndefined();
    const rows = await events(consumer.tenantId);
    expect(rows.map((e) => [e.units, e.billedUnits, Number(e.amountMicros)])).toEqual([
      [2, 0, 0],
      [2, 2, 5_000],
      [2, 2, 5_000],
    ]);
    // The period's estimate is what the invoice will bill: the fee plus the exact overage, rounded once.
    const listed = await key.client.request<{
      subscriptions: {
        id: string;
        estimate: {
          feeCents: number;
          overageUnits: number;
          overageCents: number;
          totalCents: number;
          currency: string;
        };
      }[];
    }>(`{ subscriptions { id estimate { feeCents overageUnits overageCents totalCents currency } } }`);
    expect(listed.subscriptions.find((s) => s.id === subscriptionId)?.estimate).toEqual({
      feeCents: 100,
      overageUnits: 4,
      overageCents: 1,
      totalCents: 101,
      currency: "usd",
    });
    // A cap below the fee (charged every period) is refused, in the currency's units.
    const low = await key.client.raw(`mutation($s: ID!) { setSpendCap(subscriptionId: $s, capCents: 99) { id } }`, {
      s: subscriptionId,
    });
    expect(errorCode(low.body)).toBe("BAD_USER_INPUT");
    expect(low.body.errors?.[0]?.message).toMatch(/\$0\.99 is below the plan's monthly fee of \$1\.00/);
    // Fee 100 cents + 4 overage units (1 cent) = 101; a cap of 101 cents allows no further unit.
    const set = await key.client.request<{ setSpendCap: { spendCapCents: number | null } }>(
      `mutation($s: ID!) { setSpendCap(subscriptionId: $s, capCents: 101) { spendCapCents } }`,
      { s: subscriptionId },
    );
    expect(set.setSpendCap.spendCapCents).toBe(101);
    const capped = await call(key, model.slug, ["hello"]);
    expect(errorCode(capped.body)).toBe("QUOTA_EXCEEDED");
    expect(capped.body.errors?.[0]?.message).toMatch(/spend cap of \$1\.01/);
    await key.client.request(`mutation($s: ID!) { setSpendCap(subscriptionId: $s, capCents: null) { id } }`, {
      s: subscriptionId,
    });
    expect((await call(key, model.slug, ["hello"])).body.errors).toBeUndefined();
  });

  /**
   * 30 concurrent calls of 1–3 units against 10 included units, overage at 1 cent and a cap of
   * 110 cents (fee 100 + at most 10 overage units: at most 20 units in the period). With
   * `learnRoomFirst`, one call goes first so the rest may run before they are charged.
   */
  async function concurrentCallsBillExactly(learnRoomFirst: boolean) {
    const { model, consumer, key, subscriptionId } = await setUp({
      includedUnits: 10,
      unitPriceMicros: 10_000,
      monthlyFeeCents: 100,
      rateLimitPerMinute: 1000,
    });
    await key.client.request(`mutation($s: ID!) { setSpendCap(subscriptionId: $s, capCents: 110) { id } }`, {
      s: subscriptionId,
    });
    // The first call reserves before it runs and learns the room (19 more units).
    if (learnRoomFirst) expect((await call(key, model.slug)).body.errors).toBeUndefined();
    const sizes = Array.from({ length: 30 }, (_, i) => (i % 3) + 1);
    const results = await Promise.all(sizes.map((n) => call(key, model.slug, Array(n).fill("hello"))));
    for (const r of results) if (r.body.errors) expect(errorCode(r.body)).toBe("QUOTA_EXCEEDED");
    const rows = await events(consumer.tenantId);
    const served = rows.reduce((sum, e) => sum + e.units, 0);
    expect(rows).toHaveLength((learnRoomFirst ? 1 : 0) + results.filter((r) => !r.body.errors).length);
    expect(served).toBeLessThanOrEqual(20);
    expect(served).toBeGreaterThanOrEqual(18);
    const billed = rows.reduce((sum, e) => sum + e.billedUnits, 0);
    expect(billed).toBe(Math.max(0, served - 10));
    expect(rows.reduce((sum, e) => sum + Number(e.amountMicros), 0)).toBe(billed * 10_000);
    for (const e of rows) expect(e.billedUnits).toBeLessThanOrEqual(e.units);
    const sub = await api.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } });
    expect(sub.periodUnits).toBe(served);
  }

  it("happy: concurrent calls of 1–3 units across the included units, overage and a spend cap bill exactly (group reservations)", () =>
    concurrentCallsBillExactly(false));

  it("happy: once a subscription's room is known, calls run first and are charged after in one statement, billing exactly across included units, overage and a spend cap", () =>
    concurrentCallsBillExactly(true));

  it("security: a call that ran before it was charged is refused and billed nothing when the database no longer allows it (cap lowered behind the API's back)", async () => {
    const { model, consumer, key, subscriptionId } = await setUp({
      includedUnits: 0,
      unitPriceMicros: 10_000,
      monthlyFeeCents: 100,
      rateLimitPerMinute: 1000,
    });
    expect((await call(key, model.slug)).body.errors).toBeUndefined(); // room known: unlimited
    expect((await call(key, model.slug)).body.errors).toBeUndefined(); // ran first, charged after
    // 100 cents of fee + 2 units of 1 cent: a cap of 102 cents allows nothing more. Written
    // straight to the database, so this instance still believes the room is unlimited.
    await api.db.prisma.subscription.update({ where: { id: subscriptionId }, data: { spendCapCents: 102 } });
    const inference = api.services.inference;
    const infer = inference.infer.bind(inference);
    let runs = 0;
    inference.infer = (...args) => {
      runs += 1;
      return infer(...args);
    };
    const refused = await call(key, model.slug).finally(() => {
      inference.infer = infer;
    });
    expect(runs).toBe(1); // it ran before it was charged: the wrong guess costs a run, not money
    expect(errorCode(refused.body)).toBe("QUOTA_EXCEEDED");
    expect(refused.body.errors?.[0]?.message).toMatch(/spend cap of \$1\.02/);
    const rows = await events(consumer.tenantId);
    expect(rows.map((e) => [e.units, e.billedUnits, Number(e.amountMicros)])).toEqual([
      [1, 1, 10_000],
      [1, 1, 10_000],
    ]);
    const sub = await api.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } });
    expect(sub.periodUnits).toBe(2);
  });

  it("happy: one charge statement serves several subscriptions: each call's overage share in order, a subscription that does not fit untouched", async () => {
    const a = await setUp({ includedUnits: 3, unitPriceMicros: 1_000, monthlyFeeCents: 0 });
    const b = await setUp({ includedUnits: 2, unitPriceMicros: 0 });
    const versionId = (await api.db.prisma.modelVersion.findFirstOrThrow({ where: { model: { slug: a.model.slug } } }))
      .id;
    const versionB = (await api.db.prisma.modelVersion.findFirstOrThrow({ where: { model: { slug: b.model.slug } } }))
      .id;
    const charge = (tenantId: string, subscriptionId: string, modelVersionId: string, units: number) => ({
      id: `ev_${crypto.randomUUID()}`,
      requestId: `req_${crypto.randomUUID()}`,
      tenantId,
      apiKeyId: null,
      subscriptionId,
      modelVersionId,
      units,
      latencyMs: 3,
      idempotencyKey: null,
      requestHash: null,
      response: null,
      createdAt: new Date(),
    });
    const outcomes = await chargeCalls(api.services, [
      charge(a.consumer.tenantId, a.subscriptionId, versionId, 2),
      charge(b.consumer.tenantId, b.subscriptionId, versionB, 2),
      charge(a.consumer.tenantId, a.subscriptionId, versionId, 2),
      charge(b.consumer.tenantId, b.subscriptionId, versionB, 1),
      charge(a.consumer.tenantId, a.subscriptionId, versionId, 1),
    ]);
    expect(outcomes).toEqual([
      { status: "charged", billedUnits: 0, room: null },
      { status: "refused" },
      { status: "charged", billedUnits: 1, room: null },
      { status: "refused" },
      { status: "charged", billedUnits: 1, room: null },
    ]);
    const subs = await api.db.prisma.subscription.findMany({
      where: { id: { in: [a.subscriptionId, b.subscriptionId] } },
    });
    expect(Object.fromEntries(subs.map((s) => [s.id, s.periodUnits]))).toEqual({
      [a.subscriptionId]: 5,
      [b.subscriptionId]: 0,
    });
    expect(await api.db.prisma.usageEvent.count({ where: { tenantId: b.consumer.tenantId } })).toBe(0);
    const amounts = await api.db.prisma.usageEvent.findMany({
      where: { tenantId: a.consumer.tenantId },
      select: { amountMicros: true },
    });
    expect(amounts.reduce((sum, e) => sum + Number(e.amountMicros), 0)).toBe(2_000);
  });

  it("error: the plan's rate per minute is enforced per subscription with a retry hint", async () => {
    const { model, key } = await setUp({ includedUnits: 100, rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await call(key, model.slug)).body.errors).toBeUndefined();
    const { body } = await call(key, model.slug);
    expect(errorCode(body)).toBe("RATE_LIMITED");
    expect(body.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
  });

  it("error: a past-due subscription stops inference with a message that says why", async () => {
    const { model, key, subscriptionId } = await setUp({ includedUnits: 100 });
    await api.db.prisma.subscription.update({ where: { id: subscriptionId }, data: { status: "PAST_DUE" } });
    const { body } = await call(key, model.slug);
    expect(errorCode(body)).toBe("FORBIDDEN");
    expect(body.errors?.[0]?.message).toMatch(/past due/);
  });

  it("happy: usage reports calls, units and failed calls per model and hour", async () => {
    const { model, key } = await setUp({ includedUnits: 100 });
    await call(key, model.slug, ["hello", "hello"]);
    await call(key, model.slug, ["hello"]);
    const now = Date.now();
    const data = await key.client.request<{
      usage: {
        totalUnits: number;
        totalCalls: number;
        points: { model: string; calls: number; units: number; errors: number }[];
      };
    }>(
      `query($f: DateTime!, $t: DateTime!) { usage(from: $f, to: $t) { totalUnits totalCalls points { start model calls units errors } } }`,
      { f: new Date(now - 3_600_000).toISOString(), t: new Date(now + 3_600_000).toISOString() },
    );
    expect(data.usage.totalUnits).toBe(3);
    expect(data.usage.totalCalls).toBe(2);
    expect(data.usage.points.every((p) => p.model === model.slug)).toBe(true);
  });
});

describe("invoices", () => {
  it("happy: after switching plans within the month (free → paid → free, then cancel), the estimate and the closed invoice agree to the cent", async () => {
    const period = new Date().toISOString().slice(0, 7);
    const model = await publishTinyModel(publisher, {
      plans: [
        { ...FREE_PLAN, name: "Free", includedUnits: 2 },
        { ...FREE_PLAN, name: "Paid", monthlyFeeCents: 900, includedUnits: 1, unitPriceMicros: 12_345 },
      ],
    });
    const [free, paid] = model.plans.map((p) => p.id);
    const consumer = await signUpTenant(api, "Switcher");
    const key = await apiKeyClient(api, consumer, ["inference", "billing:read", "billing:write"]);
    let current: string | null = null;
    const switchTo = async (planId: string | undefined) => {
      if (current) await key.client.request(CANCEL, { id: current });
      current = (await key.client.request<{ subscribe: Sub }>(SUBSCRIBE, { model: model.slug, planId })).subscribe.id;
    };
    await switchTo(free);
    await call(key, model.slug);
    await switchTo(paid);
    for (let i = 0; i < 3; i++) await call(key, model.slug, ["hello", "world"]);
    await switchTo(free);
    await key.client.request(CANCEL, { id: current });
    const UPCOMING = `{ upcomingInvoices { currency totalCents lines { description quantity amountCents } } }`;
    type Upcoming = { upcomingInvoices: { currency: string; totalCents: number; lines: { amountCents: number }[] }[] };
    const estimate = (await key.client.request<Upcoming>(UPCOMING)).upcomingInvoices;
    expect(estimate).toHaveLength(1);
    // The paid plan's fee is in it although that subscription is canceled: $9.00 plus overage.
    expect(estimate[0]?.totalCents).toBeGreaterThan(900);
    await closePeriod(api.services, period, monthBounds(period).end);
    const { invoices } = await key.client.request<{
      invoices: { totalCents: number; currency: string; lines: { amountCents: number }[] }[];
    }>(`{ invoices { totalCents currency lines { amountCents } } }`);
    expect(invoices.map((i) => [i.currency, i.totalCents])).toEqual(estimate.map((e) => [e.currency, e.totalCents]));
    expect(invoices[0]?.lines.map((l) => l.amountCents)).toEqual(estimate[0]?.lines.map((l) => l.amountCents));
  });

  it("happy: a month closes into invoices that reconcile to the unit, pay the publisher net of the fee, and closing twice changes nothing", async () => {
    const period = new Date().toISOString().slice(0, 7);
    const { start, end } = monthBounds(period);
    // Subscription 1: included units, then overage. Subscription 2: canceled mid-period.
    const a = await setUp({
      includedUnits: 3,
      unitPriceMicros: 333_333,
      monthlyFeeCents: 1_900,
      rateLimitPerMinute: 1000,
    });
    for (let i = 0; i < 4; i++) await call(a.key, a.model.slug, ["hello", "hello"]);
    const b = await publishTinyModel(publisher, {
      plans: [{ ...FREE_PLAN, name: "Team", monthlyFeeCents: 4_900, includedUnits: 1000 }],
    });
    const subB = await a.consumer.client.request<{ subscribe: { id: string } }>(
      `mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`,
      { m: b.slug, p: b.plans[0]?.id },
    );
    await call(a.key, b.slug, ["hello"]);
    await a.consumer.client.request(`mutation($s: ID!) { cancelSubscription(id: $s) { id } }`, {
      s: subB.subscribe.id,
    });

    // Not before the month has ended: its calls are still being served and counted.
    await expect(closePeriod(api.services, period)).rejects.toThrow(/has not ended/);
    expect(await api.db.prisma.invoice.count({ where: { tenantId: a.consumer.tenantId } })).toBe(0);
    const first = await closePeriod(api.services, period, monthBounds(period).end);
    expect(first.invoices).toBeGreaterThanOrEqual(1);
    const invoices = await a.key.client.request<{
      invoices: {
        periodStart: string;
        totalCents: number;
        status: string;
        lines: { description: string; model: string | null; quantity: number; amountCents: number }[];
      }[];
    }>(`{ invoices { periodStart totalCents status currency lines { description model quantity amountCents } } }`);
    expect(invoices.invoices).toHaveLength(1);
    const invoice = invoices.invoices[0] as (typeof invoices.invoices)[0];
    expect(new Date(invoice.periodStart).getTime()).toBe(start.getTime());
    // Lines sum exactly to the total.
    expect(invoice.lines.reduce((s, l) => s + l.amountCents, 0)).toBe(invoice.totalCents);
    // 8 units on model A: 3 included + 5 overage at 333,333 micros = 1,666,665 micros → 167 cents (rounded once).
    const linesA = invoice.lines.filter((l) => l.model === a.model.slug);
    expect(linesA.map((l) => [l.quantity, l.amountCents])).toEqual([
      [1, 1_900],
      [3, 0],
      [5, 167],
    ]);
    // The canceled subscription still pays its month (no proration), and its unit reconciles.
    const linesB = invoice.lines.filter((l) => l.model === b.slug);
    expect(linesB.map((l) => [l.quantity, l.amountCents])).toEqual([
      [1, 4_900],
      [1, 0],
    ]);
    expect(invoice.totalCents).toBe(1_900 + 167 + 4_900);
    // Units on the invoice = units of the period's usage events.
    const units = await api.db.prisma.usageEvent.aggregate({
      where: { tenantId: a.consumer.tenantId, outcome: "SUCCESS", createdAt: { gte: start, lt: end } },
      _sum: { units: true },
    });
    expect(
      invoice.lines.filter((l) => !l.description.includes("monthly fee")).reduce((s, l) => s + l.quantity, 0),
    ).toBe(units._sum.units);

    // The publisher earns the gross of its lines minus the 20% platform fee.
    const earnings = await publisher.client.request<{
      earnings: {
        grossCents: number;
        netCents: number;
        models: { model: string; grossCents: number; netCents: number }[];
      };
    }>(
      `query($f: DateTime!, $t: DateTime!) { earnings(from: $f, to: $t) { grossCents netCents models { model calls units grossCents netCents } } }`,
      {
        f: start.toISOString(),
        t: end.toISOString(),
      },
    );
    const earnedA = earnings.earnings.models.find((m) => m.model === a.model.slug);
    expect(earnedA).toMatchObject({
      grossCents: 2_067,
      netCents: 2_067 - Math.round(1_900 * 0.2) - Math.round(167 * 0.2),
    });

    // Closing again creates nothing and pays nothing twice.
    const second = await closePeriod(api.services, period, monthBounds(period).end);
    expect(second.invoices).toBe(0);
    const again = await a.key.client.request<{ invoices: unknown[] }>(`{ invoices { id } }`);
    expect(again.invoices).toHaveLength(1);
    const payouts = await api.db.prisma.payoutEntry.count({ where: { modelId: a.model.id } });
    expect(payouts).toBe(2);
  });

  it("happy: a month of simulated usage (two consumers, two models, overage, a mid-month cancellation) closes into invoices that reconcile to the unit and the cent", {
    timeout: 120_000,
  }, async () => {
    // Real calls through the API, then moved into last month as if the month had passed.
    const period = previousMonth(new Date());
    const { start, end } = monthBounds(period);
    const planA = {
      ...FREE_PLAN,
      name: "A",
      includedUnits: 50,
      unitPriceMicros: 1_234,
      monthlyFeeCents: 2_900,
      rateLimitPerMinute: 10_000,
    };
    const planB = {
      ...FREE_PLAN,
      name: "B",
      includedUnits: 30,
      unitPriceMicros: 10_000,
      monthlyFeeCents: 0,
      rateLimitPerMinute: 10_000,
    };
    const modelA = await publishTinyModel(publisher, { plans: [planA] });
    const modelB = await publishTinyModel(publisher, { plans: [planB] });
    const subscribe = async (consumer: TestTenant, model: typeof modelA) =>
      (
        await consumer.client.request<{ subscribe: { id: string } }>(
          `mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`,
          { m: model.slug, p: model.plans[0]?.id },
        )
      ).subscribe.id;
    const c1 = await signUpTenant(api, "Month One");
    const c2 = await signUpTenant(api, "Month Two");
    const subs = {
      c1a: await subscribe(c1, modelA),
      c1b: await subscribe(c1, modelB),
      c2a: await subscribe(c2, modelA),
    };
    const k1 = await apiKeyClient(api, c1, ["inference", "billing:read"]);
    const k2 = await apiKeyClient(api, c2, ["inference", "billing:read"]);
    // A seeded generator: the same month every run.
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return 1 + (seed % n);
    };
    const batch = (n: number) => Array.from({ length: rand(n) }, () => "hello");
    for (let i = 0; i < 60; i++) expect((await call(k1, modelA.slug, batch(3))).body.errors).toBeUndefined();
    for (let i = 0; i < 40; i++) expect((await call(k1, modelB.slug, batch(1))).body.errors).toBeUndefined();
    for (let i = 0; i < 25; i++) expect((await call(k2, modelA.slug, batch(2))).body.errors).toBeUndefined();

    // Spread each subscription's events over the month in their order; c2 cancels on the 15th.
    const mid = new Date(start.getTime() + 14 * 86_400_000);
    const spread = async (subscriptionId: string, until: Date) => {
      const rows = await api.db.prisma.usageEvent.findMany({
        where: { subscriptionId },
        orderBy: { createdAt: "asc" },
      });
      const step = (until.getTime() - start.getTime() - 60_000) / rows.length;
      for (const [i, row] of rows.entries()) {
        await api.db.prisma.usageEvent.update({
          where: { id: row.id },
          data: { createdAt: new Date(start.getTime() + 60_000 + Math.floor(i * step)) },
        });
      }
      await api.db.prisma.subscription.update({
        where: { id: subscriptionId },
        data: { createdAt: start, currentPeriodStart: start },
      });
      return rows;
    };
    await spread(subs.c1a, end);
    await spread(subs.c1b, end);
    await spread(subs.c2a, mid);
    await api.db.prisma.subscription.update({ where: { id: subs.c2a }, data: { status: "CANCELED", canceledAt: mid } });

    const closed = await closePeriod(api.services, period, monthBounds(period).end);
    expect(closed.invoices).toBe(2);
    const events = await api.db.prisma.usageEvent.findMany({
      where: { subscriptionId: { in: Object.values(subs) }, outcome: "SUCCESS" },
    });
    for (const [consumer, mine] of [
      [c1, [subs.c1a, subs.c1b]],
      [c2, [subs.c2a]],
    ] as const) {
      const invoice = await api.db.prisma.invoice.findUniqueOrThrow({
        where: { tenantId_periodStart_currency: { tenantId: consumer.tenantId, periodStart: start, currency: "usd" } },
        include: { lines: true },
      });
      expect(invoice.lines.reduce((sum, l) => sum + l.amountCents, 0)).toBe(invoice.totalCents);
      let expectedTotal = 0;
      for (const subscriptionId of mine) {
        const plan = subscriptionId === subs.c1b ? planB : planA;
        const units = events.filter((e) => e.subscriptionId === subscriptionId).reduce((sum, e) => sum + e.units, 0);
        const lines = invoice.lines.filter((l) => l.subscriptionId === subscriptionId);
        // Units on the invoice = units of the events, to the unit.
        expect(
          lines.filter((l) => !l.description.includes("monthly fee")).reduce((sum, l) => sum + l.quantity, 0),
        ).toBe(units);
        // From first principles: included units free, the rest at the plan's price, rounded once.
        const overage = Math.max(0, units - plan.includedUnits);
        const overageCents = Math.round((overage * plan.unitPriceMicros) / 10_000);
        expect(lines.find((l) => l.description.includes("beyond"))?.quantity ?? 0).toBe(overage);
        expect(lines.find((l) => l.description.includes("beyond"))?.amountCents ?? 0).toBe(overageCents);
        // The canceled subscription still pays its month's fee (no proration).
        expect(lines.find((l) => l.description.includes("monthly fee"))?.amountCents).toBe(plan.monthlyFeeCents);
        expectedTotal += plan.monthlyFeeCents + overageCents;
      }
      expect(invoice.totalCents).toBe(expectedTotal);
    }
    // The publisher's payouts for the month: every priced line, minus the platform fee.
    const lines = await api.db.prisma.invoiceLine.findMany({
      where: { subscriptionId: { in: Object.values(subs) }, amountCents: { gt: 0 } },
    });
    const payouts = await api.db.prisma.payoutEntry.findMany({
      where: { invoiceLineId: { in: lines.map((l) => l.id) } },
    });
    expect(payouts).toHaveLength(lines.length);
    for (const p of payouts) {
      expect(p.grossCents).toBe(lines.find((l) => l.id === p.invoiceLineId)?.amountCents);
      expect(p.feeCents + p.netCents).toBe(p.grossCents);
      expect(p.feeCents).toBe(Math.round(p.grossCents * 0.2));
    }
    // Closing again changes nothing.
    expect((await closePeriod(api.services, period, monthBounds(period).end)).invoices).toBe(0);
  });
});
