import { isUniqueViolation } from "@modelmarket/db";
import { isTokenPriced, microsToCentsDecimal, newId, perMillionMicrosToCentsDecimal } from "@modelmarket/domain";
import Stripe from "stripe";
import type { AppServices } from "../../../services";

export interface StripeSyncResult {
  customers: number;
  subscriptions: number;
  cancellations: number;
  meterEvents: number;
  transfers: number;
  failures: number;
}

/**
 * Brings Stripe in line with our ledger, as an outbox: everything is decided and committed
 * here first (subscriptions, usage events, closed periods), then mirrored to Stripe by this
 * sync, which any instance may run at any time. Every call carries an idempotency key derived
 * from our own ids, and what Stripe created is stored under a unique column, so a retry or two
 * instances racing create nothing twice. A failure is logged and retried at the next run.
 */
export async function syncStripe(services: AppServices): Promise<StripeSyncResult> {
  const result: StripeSyncResult = {
    customers: 0,
    subscriptions: 0,
    cancellations: 0,
    meterEvents: 0,
    transfers: 0,
    failures: 0,
  };
  const stripe = services.stripe;
  if (!stripe) return result;
  const attempt = async (what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      result.failures++;
      services.logger.warn({ err: error, what }, "stripe sync step failed; retried at the next run");
    }
  };

  // 1. Subscriptions (with their customer and their plan's product, prices and meter).
  const pending = await services.db.subscription.findMany({
    where: { stripeSubscriptionId: null, status: { not: "CANCELED" } },
    include: { plan: { include: { model: { select: { slug: true } } } }, tenant: true },
    take: 100,
  });
  for (const sub of pending) {
    await attempt(`subscription ${sub.id}`, async () => {
      const customer = await ensureCustomer(services, stripe, sub.tenant, result);
      const plan = await ensurePlan(services, stripe, sub.plan);
      const created = await stripe.subscriptions.create(
        {
          customer,
          items: [plan.stripeFeePriceId, plan.stripeUsagePriceId, plan.stripeOutputUsagePriceId]
            .filter((price): price is string => price !== null)
            .map((price) => ({ price })),
          // No card on file is needed: Stripe e-mails each invoice with a payment page.
          collection_method: "send_invoice",
          days_until_due: 14,
          metadata: { subscriptionId: sub.id, tenantId: sub.tenantId },
        },
        { idempotencyKey: `mm-subscription-${sub.id}` },
      );
      await services.db.subscription.update({ where: { id: sub.id }, data: { stripeSubscriptionId: created.id } });
      result.subscriptions++;
    });
  }

  // 2. Cancellations made here.
  const canceled = await services.db.subscription.findMany({
    where: { status: "CANCELED", stripeSubscriptionId: { not: null }, stripeCanceledAt: null },
    take: 100,
  });
  for (const sub of canceled) {
    await attempt(`cancellation ${sub.id}`, async () => {
      await stripe.subscriptions.cancel(
        sub.stripeSubscriptionId as string,
        {},
        { idempotencyKey: `mm-cancel-${sub.id}` },
      );
      await services.db.subscription.update({ where: { id: sub.id }, data: { stripeCanceledAt: new Date() } });
      result.cancellations++;
    });
  }

  // 3. Overage units as Billing Meter events; Stripe dedupes on the identifier (our event id).
  // A token plan's call reports its input tokens on the plan's meter and its output tokens on
  // the output meter (identifier `<event id>:output`), each priced per million by its price.
  const events = await services.db.usageEvent.findMany({
    where: {
      outcome: "SUCCESS",
      billedUnits: { gt: 0 },
      stripeReportedAt: null,
      // Only events of calls that have surely ended: a call charged while its model runs takes
      // its charge back if the run fails (refundCharge), which must not have reached Stripe.
      createdAt: {
        lt: new Date(Date.now() - (services.env.STRIPE_REPORT_DELAY_MS ?? services.env.INFERENCE_DEADLINE_MS + 2_000)),
      },
      subscription: { stripeSubscriptionId: { not: null } },
    },
    include: {
      subscription: { select: { plan: { select: { stripeMeterEvent: true, stripeOutputMeterEvent: true } } } },
      tenant: { select: { stripeCustomerId: true } },
    },
    orderBy: { createdAt: "asc" },
    take: 500,
  });
  const reported: string[] = [];
  for (const event of events) {
    const { stripeMeterEvent, stripeOutputMeterEvent } = event.subscription.plan;
    const customer = event.tenant.stripeCustomerId;
    if (!stripeMeterEvent || !customer) continue;
    const output = stripeOutputMeterEvent ? event.billedOutputUnits : 0;
    const meters = [
      { name: stripeMeterEvent, identifier: event.id, value: event.billedUnits - output },
      { name: stripeOutputMeterEvent, identifier: `${event.id}:output`, value: output },
    ].filter((m): m is { name: string; identifier: string; value: number } => m.name !== null && m.value > 0);
    await attempt(`meter event ${event.id}`, async () => {
      for (const meter of meters) {
        await stripe.billing.meterEvents.create(
          {
            event_name: meter.name,
            identifier: meter.identifier,
            timestamp: Math.floor(event.createdAt.getTime() / 1000),
            payload: { stripe_customer_id: customer, value: String(meter.value) },
          },
          { idempotencyKey: `mm-meter-event-${meter.identifier}` },
        );
      }
      reported.push(event.id);
    });
  }
  if (reported.length) {
    await services.db.usageEvent.updateMany({
      where: { id: { in: reported } },
      data: { stripeReportedAt: new Date() },
    });
    result.meterEvents = reported.length;
  }

  // 4. Publisher payouts: one Connect transfer per publisher, closed period and currency.
  const owed = await services.db.payoutEntry.groupBy({
    by: ["publisherTenantId", "periodStart", "currency"],
    where: { publisher: { stripeAccountId: { not: null } } },
    _sum: { netCents: true },
  });
  for (const group of owed) {
    const amount = group._sum.netCents ?? 0;
    if (amount <= 0) continue;
    const done = await services.db.publisherTransfer.findUnique({
      where: {
        publisherTenantId_periodStart_currency: {
          publisherTenantId: group.publisherTenantId,
          periodStart: group.periodStart,
          currency: group.currency,
        },
      },
    });
    if (done) continue;
    const period = group.periodStart.toISOString().slice(0, 7);
    await attempt(`transfer ${group.publisherTenantId} ${period}`, async () => {
      const publisher = await services.db.tenant.findUniqueOrThrow({ where: { id: group.publisherTenantId } });
      const transfer = await stripe.transfers.create(
        {
          amount,
          currency: group.currency,
          destination: publisher.stripeAccountId as string,
          transfer_group: `period-${period}`,
          description: `Modelmarket earnings ${period}`,
          metadata: { tenantId: publisher.id, period },
        },
        { idempotencyKey: `mm-transfer-${publisher.id}-${period}-${group.currency}` },
      );
      try {
        await services.db.publisherTransfer.create({
          data: {
            id: newId("payout"),
            publisherTenantId: publisher.id,
            periodStart: group.periodStart,
            currency: group.currency,
            amountCents: amount,
            stripeTransferId: transfer.id,
          },
        });
        result.transfers++;
      } catch (error) {
        // Another instance recorded the same transfer (same idempotency key, same Stripe id).
        if (!isUniqueViolation(error)) throw error;
      }
    });
  }
  return result;
}

async function ensureCustomer(
  services: AppServices,
  stripe: Stripe,
  tenant: { id: string; name: string; slug: string; stripeCustomerId: string | null },
  result: StripeSyncResult,
): Promise<string> {
  if (tenant.stripeCustomerId) return tenant.stripeCustomerId;
  // The billing contact: the organisation's first owner.
  const owner = await services.db.user.findFirst({
    where: { memberships: { some: { tenantId: tenant.id, role: "OWNER" } } },
    orderBy: { createdAt: "asc" },
  });
  const customer = await stripe.customers.create(
    { name: tenant.name, email: owner?.email, metadata: { tenantId: tenant.id, tenantSlug: tenant.slug } },
    { idempotencyKey: `mm-customer-${tenant.id}` },
  );
  await services.db.tenant.update({ where: { id: tenant.id }, data: { stripeCustomerId: customer.id } });
  tenant.stripeCustomerId = customer.id;
  result.customers++;
  return customer.id;
}

interface PlanRow {
  id: string;
  name: string;
  currency: string;
  monthlyFeeCents: number;
  unitPriceMicros: number;
  inputPricePerMillionMicros: number | null;
  outputPricePerMillionMicros: number | null;
  stripeProductId: string | null;
  stripeFeePriceId: string | null;
  stripeMeterId: string | null;
  stripeMeterEvent: string | null;
  stripeUsagePriceId: string | null;
  stripeOutputMeterEvent: string | null;
  stripeOutputUsagePriceId: string | null;
  model: { slug: string };
}

/**
 * Product, monthly fee price, overage meter and metered price of a plan, each created once; a
 * token plan has two meters and prices: input tokens and output tokens, each per token in
 * cents with decimals (its price per million, exact).
 */
async function ensurePlan(services: AppServices, stripe: Stripe, plan: PlanRow) {
  const tokens = isTokenPriced(plan);
  if (
    plan.stripeFeePriceId &&
    plan.stripeUsagePriceId &&
    plan.stripeMeterEvent &&
    (!tokens || plan.stripeOutputUsagePriceId)
  ) {
    return {
      stripeFeePriceId: plan.stripeFeePriceId,
      stripeUsagePriceId: plan.stripeUsagePriceId,
      stripeOutputUsagePriceId: plan.stripeOutputUsagePriceId,
    };
  }
  const product = await stripe.products.create(
    { name: `${plan.model.slug} — ${plan.name}`, metadata: { planId: plan.id, model: plan.model.slug } },
    { idempotencyKey: `mm-product-${plan.id}` },
  );
  const fee = await stripe.prices.create(
    {
      product: product.id,
      currency: plan.currency,
      unit_amount: plan.monthlyFeeCents,
      recurring: { interval: "month" },
      metadata: { planId: plan.id, kind: "fee" },
    },
    { idempotencyKey: `mm-price-fee-${plan.id}` },
  );
  // One meter per plan (and per token kind): a customer's overage then maps to exactly one metered price.
  const metered = async (suffix: string, what: string, centsDecimal: string) => {
    const eventName = `mm_overage_${plan.id}${suffix}`;
    const meter = await stripe.billing.meters.create(
      {
        display_name: `${plan.model.slug} ${plan.name} overage ${what}`,
        event_name: eventName,
        default_aggregation: { formula: "sum" },
        customer_mapping: { type: "by_id", event_payload_key: "stripe_customer_id" },
        value_settings: { event_payload_key: "value" },
      },
      { idempotencyKey: `mm-meter-${plan.id}${suffix}` },
    );
    const usage = await stripe.prices.create(
      {
        product: product.id,
        currency: plan.currency,
        unit_amount_decimal: Stripe.Decimal.from(centsDecimal),
        recurring: { interval: "month", usage_type: "metered", meter: meter.id },
        metadata: { planId: plan.id, kind: `overage${suffix}` },
      },
      { idempotencyKey: `mm-price-usage-${plan.id}${suffix}` },
    );
    return { meter: meter.id, eventName, price: usage.id };
  };
  // Micros of the currency unit → cents with decimals (exact: integer arithmetic).
  const input = tokens
    ? await metered("", "input tokens", perMillionMicrosToCentsDecimal(plan.inputPricePerMillionMicros ?? 0))
    : await metered("", "units", microsToCentsDecimal(plan.unitPriceMicros));
  const output = tokens
    ? await metered("_output", "output tokens", perMillionMicrosToCentsDecimal(plan.outputPricePerMillionMicros ?? 0))
    : null;
  const ids = {
    stripeProductId: product.id,
    stripeFeePriceId: fee.id,
    stripeMeterId: input.meter,
    stripeMeterEvent: input.eventName,
    stripeUsagePriceId: input.price,
    stripeOutputMeterId: output?.meter ?? null,
    stripeOutputMeterEvent: output?.eventName ?? null,
    stripeOutputUsagePriceId: output?.price ?? null,
  };
  await services.db.plan.update({ where: { id: plan.id }, data: ids });
  Object.assign(plan, ids);
  return ids;
}
