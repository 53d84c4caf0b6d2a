import { notFound } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";

/**
 * What one billed call cost and why. An unknown id, another tenant's call or a call that was
 * not billed (it failed) is NOT_FOUND saying where request ids come from: a silent null left
 * newcomers guessing whether the call or the id was wrong.
 */
export async function receipt(services: AppServices, caller: Principal | null, requestId: string) {
  const principal = requirePrincipal(caller);
  const event = await services.db.usageEvent.findUnique({
    where: { requestId },
    include: {
      modelVersion: { include: { model: { select: { slug: true } } } },
      subscription: { select: { plan: { select: { currency: true } } } },
    },
  });
  if (!event || event.tenantId !== principal.tenantId || event.outcome !== "SUCCESS") {
    throw notFound(
      `A billed call with request id "${requestId}" in this organisation (every answer carries its request id in extensions.requestId; failed calls are not billed)`,
    );
  }
  return {
    requestId: event.requestId,
    model: event.modelVersion.model.slug,
    version: event.modelVersion.version,
    units: event.units,
    inputTokens: event.inputUnits,
    outputTokens: event.inputUnits === null ? null : event.units - event.inputUnits,
    amountMicros: Number(event.amountMicros),
    currency: event.subscription.plan.currency,
    createdAt: event.createdAt,
  };
}
