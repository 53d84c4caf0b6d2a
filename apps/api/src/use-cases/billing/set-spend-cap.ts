import { badInput, formatCents, notFound } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { SUBSCRIPTION_INCLUDE, withUsedUnits } from "../subscriptions/support/subscription-view";
import { audit } from "../support/audit";

const MAX_CAP_CENTS = 100_000_000;

/**
 * A hard cap on what one period of a subscription may cost (fee + overage), in cents. A call
 * that would go past it is refused with QUOTA_EXCEEDED before it runs; null removes the cap.
 */
export async function setSpendCap(
  services: AppServices,
  caller: Principal | null,
  id: string,
  capCents: number | null,
) {
  const principal = requirePrincipal(caller);
  if (capCents !== null && (!Number.isInteger(capCents) || capCents < 0 || capCents > MAX_CAP_CENTS)) {
    throw badInput(`\`capCents\` must be 0 to ${MAX_CAP_CENTS}, or null for no cap.`, "capCents");
  }
  const subscription = await services.db.$transaction(async (tx) => {
    const existing = await tx.subscription.findFirst({
      where: { id, tenantId: principal.tenantId },
      include: { plan: { select: { monthlyFeeCents: true, currency: true } } },
    });
    if (!existing) throw notFound("Subscription");
    // The fee alone is charged every period: a cap below it would refuse every call while the
    // fee is still invoiced.
    const { monthlyFeeCents, currency } = existing.plan;
    if (capCents !== null && capCents < monthlyFeeCents) {
      throw badInput(
        `A spend cap of ${formatCents(capCents, currency)} is below the plan's monthly fee of ${formatCents(monthlyFeeCents, currency)}, ` +
          "which every period costs: every call would be refused. Set at least the fee, or choose a cheaper plan.",
        "capCents",
      );
    }
    const updated = await tx.subscription.update({
      where: { id },
      data: { spendCapCents: capCents },
      include: SUBSCRIPTION_INCLUDE,
    });
    await audit(tx, principal, "subscription.spend_cap_set", { type: "subscription", id }, { capCents });
    return updated;
  });
  return withUsedUnits(services, subscription);
}
