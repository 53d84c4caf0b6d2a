import { microsToCentsDecimal } from "@modelmarket/domain";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePeriod, monthBounds } from "../src/use-cases/billing/close-period";
import { syncStripe } from "../src/use-cases/billing/stripe/sync-stripe";
import { FakeStripe } from "./fake-stripe";
import {
  apiKeyClient,
  errorCode,
  FREE_PLAN,
  FREE_TOKEN_PLAN,
  publishTinyGpt,
  publishTinyModel,
  signUpTenant,
  startTestApi,
  type TestApi,
  type TestTenant,
} from "./harness";

const WEBHOOK_SECRET = "whsec_test_modelmarket";
const CLASSIFY = `mutation($m: String!) { classifyText(model: $m, inputs: ["hello"]) { label } }`;
const METERED = { ...FREE_PLAN, name: "Metered", includedUnits: 2, unitPriceMicros: 250_000, monthlyFeeCents: 500 };

let api: TestApi;
let fake: FakeStripe;
let publisher: TestTenant;
const sdk = new Stripe("sk_test_signing_only");

beforeAll(async () => {
  fake = new FakeStripe();
  await fake.start();
  api = await startTestApi(
    {
      STRIPE_SECRET_KEY: "sk_test_modelmarket",
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: fake.url,
      STRIPE_SYNC_INTERVAL_MS: "0",
      // The tests sync right after their calls (which have ended): report events at once.
      STRIPE_REPORT_DELAY_MS: "0",
      BILLING_CLOSE_INTERVAL_MS: "0",
    },
    { inference: true },
  );
  publisher = await signUpTenant(api, "Stripe Publisher");
}, 120_000);
afterAll(async () => {
  await api?.close();
  await fake?.stop();
});

async function subscribed(plan = METERED) {
  const model = await publishTinyModel(publisher, { plans: [plan] });
  const consumer = await signUpTenant(api, "Stripe Consumer");
  const { subscribe } = await consumer.client.request<{ subscribe: { id: string } }>(
    `mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`,
    { m: model.slug, p: model.plans[0]?.id },
  );
  const key = await apiKeyClient(api, consumer, ["inference", "billing:read", "billing:write"]);
  return { model, consumer, key, subscriptionId: subscribe.id };
}

/** POSTs an event to the webhook as Stripe would, signed with the endpoint secret (or not). */
async function webhook(event: Record<string, unknown>, secret = WEBHOOK_SECRET) {
  const payload = JSON.stringify({ object: "event", api_version: "2026-10-28", created: 1, ...event });
  const header = sdk.webhooks.generateTestHeaderString({ payload, secret });
  const res = await fetch(`${api.url}/webhooks/stripe`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": header },
    body: payload,
  });
  return { status: res.status, body: (await res.json()) as { outcome?: string } };
}

const stripeSubscriptionOf = async (id: string) =>
  (await api.db.prisma.subscription.findUniqueOrThrow({ where: { id } })).stripeSubscriptionId as string;

describe("Stripe mirror of the ledger", () => {
  it("happy: a subscription becomes a Customer, a Product with fee and metered Prices on a Meter, and a Subscription — once, each call with an idempotency key", async () => {
    const { consumer, subscriptionId } = await subscribed();
    const first = await syncStripe(api.services);
    expect(first).toMatchObject({ customers: 1, subscriptions: 1, failures: 0 });
    const customer = fake.to("POST", "/v1/customers").find((c) => c.params["metadata[tenantId]"] === consumer.tenantId);
    expect(customer?.idempotencyKey).toBe(`mm-customer-${consumer.tenantId}`);
    const sub = fake
      .to("POST", "/v1/subscriptions")
      .find((c) => c.params["metadata[subscriptionId]"] === subscriptionId);
    expect(sub?.idempotencyKey).toBe(`mm-subscription-${subscriptionId}`);
    expect(sub?.params["items[0][price]"]).toMatch(/^price_/);
    expect(sub?.params["items[1][price]"]).toMatch(/^price_/);
    const usagePrice = fake.to("POST", "/v1/prices").find((c) => c.params["recurring[usage_type]"] === "metered");
    expect(usagePrice?.params).toMatchObject({ unit_amount_decimal: "25", "recurring[interval]": "month" });
    expect(usagePrice?.params["recurring[meter]"]).toMatch(/^mtr_/);
    expect(fake.calls.every((c) => c.method !== "POST" || c.idempotencyKey?.startsWith("mm-"))).toBe(true);
    expect(await stripeSubscriptionOf(subscriptionId)).toMatch(/^sub_/);

    // A second run has nothing left to do.
    const before = fake.calls.length;
    expect(await syncStripe(api.services)).toMatchObject({ customers: 0, subscriptions: 0, meterEvents: 0 });
    expect(fake.calls.length).toBe(before);
  });

  it("happy: overage units go to Stripe as meter events identified by the usage event id, exactly once", async () => {
    const { model, key, consumer } = await subscribed();
    await syncStripe(api.services);
    for (let i = 0; i < 5; i++) expect((await key.client.raw(CLASSIFY, { m: model.slug })).body.errors).toBeUndefined();
    // Events younger than any call can run are held back (a call charged while it runs may take
    // its charge back): with the default delay nothing of these goes yet.
    const env = api.services.env as { STRIPE_REPORT_DELAY_MS?: number };
    env.STRIPE_REPORT_DELAY_MS = 60_000;
    expect((await syncStripe(api.services)).meterEvents).toBe(0);
    env.STRIPE_REPORT_DELAY_MS = 0;
    const result = await syncStripe(api.services);
    // 5 units, 2 included: 3 overage events of one unit each.
    expect(result.meterEvents).toBe(3);
    const billed = await api.db.prisma.usageEvent.findMany({
      where: { tenantId: consumer.tenantId, billedUnits: { gt: 0 } },
      orderBy: { createdAt: "asc" },
    });
    const sent = fake
      .to("POST", "/v1/billing/meter_events")
      .filter((c) => billed.some((e) => e.id === c.params.identifier));
    expect(sent.map((c) => c.params.identifier).sort()).toEqual(billed.map((e) => e.id).sort());
    expect(sent.every((c) => c.params["payload[value]"] === "1" && c.params.event_name.startsWith("mm_overage_"))).toBe(
      true,
    );
    expect(sent.every((c) => c.idempotencyKey === `mm-meter-event-${c.params.identifier}`)).toBe(true);
    expect((await syncStripe(api.services)).meterEvents).toBe(0);
  });

  it("happy: a token plan has an input-token and an output-token meter, priced per token from its prices per million; a call's billed tokens go to each once", async () => {
    const published = await publishTinyGpt(publisher, {
      plans: [
        {
          ...FREE_TOKEN_PLAN,
          name: "Tokens",
          includedUnits: 0,
          inputPricePerMillionMicros: 150_000,
          outputPricePerMillionMicros: 600_000,
        },
      ],
    });
    const { slug, plans } = (published.body.data as { publishModel: { slug: string; plans: { id: string }[] } })
      .publishModel;
    const consumer = await signUpTenant(api, "Token Consumer");
    await consumer.client.request(`mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`, {
      m: slug,
      p: plans[0]?.id,
    });
    const key = await apiKeyClient(api, consumer, ["inference"]);
    await syncStripe(api.services);
    const planId = plans[0]?.id as string;
    const prices = fake.to("POST", "/v1/prices").filter((c) => c.params["metadata[planId]"] === planId);
    // $0.15 / $0.60 per million tokens = 0.000015 / 0.00006 cents per token, exact.
    expect(
      prices.map((c) => [c.params["metadata[kind]"], c.params.unit_amount_decimal ?? c.params.unit_amount]),
    ).toEqual([
      ["fee", "0"],
      ["overage", "0.000015"],
      ["overage_output", "0.00006"],
    ]);
    const sub = fake.to("POST", "/v1/subscriptions").find((c) => c.params["metadata[tenantId]"] === consumer.tenantId);
    const stored = await api.db.prisma.plan.findUniqueOrThrow({ where: { id: planId } });
    expect([sub?.params["items[0][price]"], sub?.params["items[1][price]"], sub?.params["items[2][price]"]]).toEqual([
      stored.stripeFeePriceId,
      stored.stripeUsagePriceId,
      stored.stripeOutputUsagePriceId,
    ]);

    const { body } = await key.client.raw<{ generateText: { promptTokens: number; completionTokens: number } }>(
      `mutation($m: String!) { generateText(model: $m, prompt: "Hello", maxTokens: 6) { promptTokens completionTokens } }`,
      { m: slug },
    );
    const used = body.data?.generateText as { promptTokens: number; completionTokens: number };
    expect((await syncStripe(api.services)).meterEvents).toBe(1);
    const event = await api.db.prisma.usageEvent.findFirstOrThrow({ where: { tenantId: consumer.tenantId } });
    const sent = fake
      .to("POST", "/v1/billing/meter_events")
      .filter((c) => c.params.identifier?.startsWith(event.id))
      .map((c) => [c.params.event_name, c.params.identifier, c.params["payload[value]"], c.idempotencyKey]);
    expect(sent).toEqual([
      [`mm_overage_${planId}`, event.id, String(used.promptTokens), `mm-meter-event-${event.id}`],
      [
        `mm_overage_${planId}_output`,
        `${event.id}:output`,
        String(used.completionTokens),
        `mm-meter-event-${event.id}:output`,
      ],
    ]);
    expect((await syncStripe(api.services)).meterEvents).toBe(0);
  });

  it("error: Stripe down leaves the ledger intact; the next run catches up with the same idempotency keys", async () => {
    const { subscriptionId } = await subscribed();
    fake.failures.set("/v1/subscriptions", 10);
    const failed = await syncStripe(api.services);
    expect(failed.failures).toBeGreaterThan(0);
    expect(await stripeSubscriptionOf(subscriptionId)).toBeNull();
    fake.failures.clear();
    await syncStripe(api.services);
    const attempts = fake
      .to("POST", "/v1/subscriptions", true)
      .filter((c) => c.params["metadata[subscriptionId]"] === subscriptionId);
    expect(new Set(attempts.map((c) => c.idempotencyKey))).toEqual(new Set([`mm-subscription-${subscriptionId}`]));
    expect(await stripeSubscriptionOf(subscriptionId)).toMatch(/^sub_/);
  });

  it("happy: a cancellation reaches Stripe once", async () => {
    const { consumer, subscriptionId } = await subscribed();
    await syncStripe(api.services);
    const stripeId = await stripeSubscriptionOf(subscriptionId);
    await consumer.client.request(`mutation($s: ID!) { cancelSubscription(id: $s) { id } }`, { s: subscriptionId });
    expect((await syncStripe(api.services)).cancellations).toBe(1);
    expect(fake.to("DELETE", `/v1/subscriptions/${stripeId}`)).toHaveLength(1);
    expect((await syncStripe(api.services)).cancellations).toBe(0);
  });
});

describe("Stripe webhooks", () => {
  it("happy: invoice.payment_failed stops inference with a clear message, invoice.paid resumes it; a replay changes nothing", async () => {
    const { model, key, subscriptionId } = await subscribed();
    await syncStripe(api.services);
    const stripeId = await stripeSubscriptionOf(subscriptionId);
    const failed = {
      id: `evt_failed_${subscriptionId}`,
      type: "invoice.payment_failed",
      data: { object: { id: "in_1", object: "invoice", parent: { subscription_details: { subscription: stripeId } } } },
    };
    expect(await webhook(failed)).toMatchObject({ status: 200, body: { outcome: "applied" } });
    const refused = await key.client.raw(CLASSIFY, { m: model.slug });
    expect(errorCode(refused.body)).toBe("FORBIDDEN");
    expect(refused.body.errors?.[0]?.message).toMatch(/past due/);

    const paid = {
      id: `evt_paid_${subscriptionId}`,
      type: "invoice.paid",
      data: { object: { id: "in_1", object: "invoice", subscription: stripeId } },
    };
    expect((await webhook(paid)).body.outcome).toBe("applied");
    expect((await key.client.raw(CLASSIFY, { m: model.slug })).body.errors).toBeUndefined();

    // Stripe retries (or someone replays) the failure: already applied, nothing changes.
    expect(await webhook(failed)).toMatchObject({ status: 200, body: { outcome: "duplicate" } });
    expect((await key.client.raw(CLASSIFY, { m: model.slug })).body.errors).toBeUndefined();
    expect(await api.db.prisma.stripeEvent.count({ where: { id: failed.id } })).toBe(1);
  });

  it("security: a past-due debt follows the tenant: cancel + subscribe cannot escape it until invoice.paid", async () => {
    const { model, consumer, subscriptionId } = await subscribed();
    await syncStripe(api.services);
    const stripeId = await stripeSubscriptionOf(subscriptionId);
    const invoiceEvent = (type: string) => ({
      id: `evt_${type}_${subscriptionId}`,
      type,
      data: { object: { id: "in_9", object: "invoice", subscription: stripeId } },
    });
    expect((await webhook(invoiceEvent("invoice.payment_failed"))).body.outcome).toBe("applied");
    const cancel = await consumer.client.raw(`mutation($id: ID!) { cancelSubscription(id: $id) { status } }`, {
      id: subscriptionId,
    });
    expect(cancel.body.errors).toBeUndefined();
    // Neither the same paid plan again, nor a free plan of the same publisher, nor another
    // publisher's paid plan.
    const SUB = `mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`;
    const again = await consumer.client.raw(SUB, { m: model.slug, p: model.plans[0]?.id });
    expect(errorCode(again.body)).toBe("FORBIDDEN");
    expect(again.body.errors?.[0]?.message).toMatch(/unpaid/);
    const samePublisherFree = await publishTinyModel(publisher, { plans: [FREE_PLAN] });
    expect(
      errorCode(
        (await consumer.client.raw(SUB, { m: samePublisherFree.slug, p: samePublisherFree.plans[0]?.id })).body,
      ),
    ).toBe("FORBIDDEN");
    const otherPublisher = await signUpTenant(api, "Other Publisher");
    const otherPaid = await publishTinyModel(otherPublisher, { plans: [METERED, FREE_PLAN] });
    const planOf = (name: string) => otherPaid.plans.find((p) => p.name === name)?.id;
    expect(errorCode((await consumer.client.raw(SUB, { m: otherPaid.slug, p: planOf("Metered") })).body)).toBe(
      "FORBIDDEN",
    );
    // Another publisher's free plan owes nothing to this debt.
    expect((await consumer.client.raw(SUB, { m: otherPaid.slug, p: planOf("Free") })).body.errors).toBeUndefined();
    // A new organisation of the same owner is no way out: same paid plan refused there too,
    // naming the organisation that owes; that organisation's other members are not its owners.
    const fresh = await consumer.client.request<{ createOrganisation: { token: string } }>(
      `mutation { createOrganisation(name: "Fresh Start") { token } }`,
    );
    const elsewhere = api.client.withToken(fresh.createOrganisation.token);
    const escaped = await elsewhere.raw(SUB, { m: model.slug, p: model.plans[0]?.id });
    expect(errorCode(escaped.body)).toBe("FORBIDDEN");
    expect(escaped.body.errors?.[0]?.message).toContain(`of your organisation "${consumer.tenantSlug}"`);
    expect(errorCode((await elsewhere.raw(SUB, { m: otherPaid.slug, p: planOf("Metered") })).body)).toBe("FORBIDDEN");
    // Paid (also after the cancellation): subscribing works again.
    expect((await webhook(invoiceEvent("invoice.paid"))).body.outcome).toBe("applied");
    expect((await consumer.client.raw(SUB, { m: model.slug, p: model.plans[0]?.id })).body.errors).toBeUndefined();
  });

  it("security: a bad signature is refused with 400 and changes nothing", async () => {
    const { subscriptionId } = await subscribed();
    await syncStripe(api.services);
    const stripeId = await stripeSubscriptionOf(subscriptionId);
    const event = {
      id: `evt_forged_${subscriptionId}`,
      type: "customer.subscription.updated",
      data: { object: { id: stripeId, object: "subscription", status: "past_due" } },
    };
    const forged = await webhook(event, "whsec_not_the_secret");
    expect(forged.status).toBe(400);
    const unsigned = await fetch(`${api.url}/webhooks/stripe`, { method: "POST", body: JSON.stringify(event) });
    expect(unsigned.status).toBe(400);
    expect((await api.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).status).toBe(
      "ACTIVE",
    );
    expect(await api.db.prisma.stripeEvent.count({ where: { id: event.id } })).toBe(0);
  });

  it("happy: customer.subscription.updated and .deleted set our status", async () => {
    const { subscriptionId } = await subscribed();
    await syncStripe(api.services);
    const stripeId = await stripeSubscriptionOf(subscriptionId);
    const updated = (status: string, n: number) => ({
      id: `evt_upd_${n}_${subscriptionId}`,
      type: "customer.subscription.updated",
      data: { object: { id: stripeId, object: "subscription", status } },
    });
    await webhook(updated("past_due", 1));
    expect((await api.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).status).toBe(
      "PAST_DUE",
    );
    await webhook(updated("active", 2));
    expect((await api.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).status).toBe(
      "ACTIVE",
    );
    await webhook({
      id: `evt_del_${subscriptionId}`,
      type: "customer.subscription.deleted",
      data: { object: { id: stripeId, object: "subscription", status: "canceled" } },
    });
    const row = await api.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } });
    expect(row.status).toBe("CANCELED");
    // Canceled by Stripe: the sync does not cancel it again.
    expect(row.stripeCanceledAt).not.toBeNull();
  });
});

describe("Stripe Connect payouts", () => {
  it("happy: a publisher onboards, and a closed period's net earnings are transferred once", async () => {
    const publisherKey = await apiKeyClient(api, publisher, ["billing:write", "billing:read"]);
    const { connectPayoutAccount } = await publisherKey.client.request<{
      connectPayoutAccount: { accountId: string; url: string };
    }>(`mutation { connectPayoutAccount { accountId url } }`);
    expect(connectPayoutAccount.accountId).toMatch(/^acct_/);
    expect(connectPayoutAccount.url).toContain(connectPayoutAccount.accountId);
    // Asking again reuses the account.
    const again = await publisherKey.client.request<{ connectPayoutAccount: { accountId: string } }>(
      `mutation { connectPayoutAccount { accountId } }`,
    );
    expect(again.connectPayoutAccount.accountId).toBe(connectPayoutAccount.accountId);
    expect(fake.to("POST", "/v1/accounts")).toHaveLength(1);

    const period = new Date().toISOString().slice(0, 7);
    await closePeriod(api.services, period, monthBounds(period).end);
    const owed = await api.db.prisma.payoutEntry.aggregate({
      where: { publisherTenantId: publisher.tenantId },
      _sum: { netCents: true },
    });
    expect(owed._sum.netCents).toBeGreaterThan(0);
    const first = await syncStripe(api.services);
    expect(first.transfers).toBe(1);
    const transfer = fake
      .to("POST", "/v1/transfers")
      .find((c) => c.params.destination === connectPayoutAccount.accountId);
    expect(transfer?.params).toMatchObject({ amount: String(owed._sum.netCents), currency: "usd" });
    expect(transfer?.idempotencyKey).toBe(`mm-transfer-${publisher.tenantId}-${period}-usd`);
    expect((await syncStripe(api.services)).transfers).toBe(0);
    expect(await api.db.prisma.publisherTransfer.count({ where: { publisherTenantId: publisher.tenantId } })).toBe(1);
    // Every call this file made to Stripe, of any kind, carried an idempotency key.
    expect(fake.calls.filter((c) => !c.idempotencyKey?.startsWith("mm-"))).toEqual([]);
  });

  it("error: without Stripe, onboarding is UNAVAILABLE with a message", async () => {
    const plain = await startTestApi();
    try {
      const tenant = await signUpTenant(plain, "No Stripe");
      const { body } = await tenant.client.raw(`mutation { connectPayoutAccount { url } }`);
      expect(errorCode(body)).toBe("UNAVAILABLE");
      expect(body.errors?.[0]?.message).toMatch(/not configured/);
    } finally {
      await plain.close();
    }
  });

  it("happy: prices in micros become exact decimal cents", () => {
    expect(microsToCentsDecimal(250_000)).toBe("25");
    expect(microsToCentsDecimal(333_333)).toBe("33.3333");
    expect(microsToCentsDecimal(1)).toBe("0.0001");
    expect(microsToCentsDecimal(0)).toBe("0");
  });
});
