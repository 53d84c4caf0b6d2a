import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";

/** The caller's invoices, newest period first. */
export async function listInvoices(services: AppServices, caller: Principal | null) {
  const principal = requirePrincipal(caller);
  const invoices = await services.db.invoice.findMany({
    where: { tenantId: principal.tenantId },
    include: { lines: { orderBy: { id: "asc" } } },
    orderBy: { periodStart: "desc" },
  });
  const slugs = new Map(
    (
      await services.db.model.findMany({
        where: { id: { in: invoices.flatMap((i) => i.lines.map((l) => l.modelId ?? "")).filter(Boolean) } },
        select: { id: true, slug: true },
      })
    ).map((m) => [m.id, m.slug]),
  );
  return invoices.map((i) => ({
    ...i,
    lines: i.lines.map((l) => ({ ...l, model: l.modelId ? (slugs.get(l.modelId) ?? null) : null })),
  }));
}
