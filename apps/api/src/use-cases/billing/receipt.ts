import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";

/** What one billed call cost and why; null for an unknown id or another tenant's call. */
export async function receipt(services: AppServices, caller: Principal | null, requestId: string) {
  const principal = requirePrincipal(caller);
  const event = await services.db.usageEvent.findUnique({
    where: { requestId },
    include: { modelVersion: { include: { model: { select: { slug: true } } } } },
  });
  if (!event || event.tenantId !== principal.tenantId || event.outcome !== "SUCCESS") return null;
  return {
    requestId: event.requestId,
    model: event.modelVersion.model.slug,
    version: event.modelVersion.version,
    units: event.units,
    amountMicros: Number(event.amountMicros),
    createdAt: event.createdAt,
  };
}
