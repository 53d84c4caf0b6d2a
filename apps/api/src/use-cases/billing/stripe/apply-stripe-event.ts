import type { SubscriptionStatus } from "@modelmarket/db";
import type Stripe from "stripe";
import type { AppServices } from "../../../services";

export type Applied = "applied" | "duplicate" | "ignored";

const STATUS: Partial<Record<Stripe.Subscription.Status, SubscriptionStatus>> = {
  active: "ACTIVE",
  trialing: "ACTIVE",
  past_due: "PAST_DUE",
  unpaid: "PAST_DUE",
  canceled: "CANCELED",
  incomplete_expired: "CANCELED",
};

/**
 * Applies one verified webhook event exactly once: its id is inserted in the same transaction
 * as its effect, so a replay (Stripe retries, an attacker replaying a captured request) finds
 * the id and changes nothing.
 */
export async function applyStripeEvent(services: AppServices, event: Stripe.Event): Promise<Applied> {
  // The tenant whose subscription changed: the call path's cache drops it once committed.
  let changedTenant: string | null = null;
  const applied = await services.db.$transaction(async (tx) => {
    const fresh = await tx.$executeRaw`
      INSERT INTO "StripeEvent" (id, type) VALUES (${event.id}, ${event.type}) ON CONFLICT (id) DO NOTHING`;
    if (fresh === 0) return "duplicate";
    const bySubscription = (stripeId: string | null | undefined) =>
      stripeId ? tx.subscription.findUnique({ where: { stripeSubscriptionId: stripeId } }) : Promise.resolve(null);

    switch (event.type) {
      case "invoice.paid":
      case "invoice.payment_failed": {
        const invoice = event.data.object as Stripe.Invoice & { subscription?: string | { id: string } | null };
        const ref = invoice.parent?.subscription_details?.subscription ?? invoice.subscription ?? null;
        const sub = await bySubscription(typeof ref === "string" ? ref : ref?.id);
        if (!sub) return "ignored";
        const paid = event.type === "invoice.paid";
        // The debt outlives a cancellation (subscribe.ts refuses while any is unpaid).
        const unpaidSince = paid ? null : (sub.unpaidSince ?? new Date());
        if (sub.status === "CANCELED") {
          await tx.subscription.update({ where: { id: sub.id }, data: { unpaidSince } });
          return "applied";
        }
        const status: SubscriptionStatus = paid ? "ACTIVE" : "PAST_DUE";
        await tx.subscription.update({ where: { id: sub.id }, data: { status, unpaidSince } });
        changedTenant = sub.tenantId;
        services.logger.info(
          { subscription: sub.id, status, stripeEvent: event.id },
          "subscription status from Stripe",
        );
        return "applied";
      }
      case "customer.subscription.updated":
      case "customer.subscription.deleted": {
        const remote = event.data.object as Stripe.Subscription;
        const sub = await bySubscription(remote.id);
        if (!sub) return "ignored";
        const status = event.type === "customer.subscription.deleted" ? "CANCELED" : STATUS[remote.status];
        if (!status || sub.status === "CANCELED") return "ignored";
        const now = new Date();
        await tx.subscription.update({
          where: { id: sub.id },
          data:
            status === "CANCELED"
              ? { status, canceledAt: sub.canceledAt ?? now, stripeCanceledAt: now }
              : { status, unpaidSince: status === "PAST_DUE" ? (sub.unpaidSince ?? now) : null },
        });
        changedTenant = sub.tenantId;
        return "applied";
      }
      default:
        return "ignored";
    }
  });
  if (changedTenant) await services.cacheBus.publish({ kind: "subscriptions", tenantId: changedTenant });
  return applied;
}
