import { notFound } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { SUBSCRIPTION_INCLUDE, withUsedUnits } from "./support/subscription-view";

/** Cancels one of the caller's subscriptions; cancelling twice is harmless. */
export async function cancelSubscription(services: AppServices, caller: Principal | null, id: string) {
  const principal = requirePrincipal(caller);
  const subscription = await services.db.$transaction(async (tx) => {
    const existing = await tx.subscription.findFirst({
      where: { id, tenantId: principal.tenantId },
      include: SUBSCRIPTION_INCLUDE,
    });
    if (!existing) throw notFound("Subscription");
    if (existing.status === "CANCELED") return existing;
    const canceled = await tx.subscription.update({
      where: { id: existing.id },
      data: { status: "CANCELED", canceledAt: new Date() },
      include: SUBSCRIPTION_INCLUDE,
    });
    await audit(tx, principal, "subscription.canceled", { type: "subscription", id: existing.id });
    return canceled;
  });
  await services.cacheBus.publish({ kind: "subscriptions", tenantId: principal.tenantId });
  return withUsedUnits(services, subscription);
}
