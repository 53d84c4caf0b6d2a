import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { draftInvoices } from "./support/draft-invoices";

/**
 * What closing the current month would invoice the caller if it ended now, per currency: the
 * same computation as the close (support/draft-invoices.ts), so the estimate the portal shows
 * and the invoice that follows are equal to the cent. Canceled and switched subscriptions of
 * the month are in it: each pays its whole monthly fee.
 */
export async function upcomingInvoices(services: AppServices, caller: Principal | null, now = new Date()) {
  const principal = requirePrincipal(caller);
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const drafts = await draftInvoices(services.db, { start, end }, principal.tenantId);
  return [...drafts.values()]
    .filter((d) => d.lines.length)
    .map((d) => ({
      periodStart: start,
      periodEnd: end,
      currency: d.currency,
      totalCents: d.lines.reduce((sum, l) => sum + l.amountCents, 0),
      lines: d.lines.map((l) => ({
        description: l.description,
        model: l.modelSlug,
        quantity: l.quantity,
        amountCents: l.amountCents,
      })),
    }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
}
