import { newId, platformFeeCents } from "@modelmarket/domain";
import type { AppServices } from "../../services";
import { draftInvoices } from "./support/draft-invoices";

export interface ClosedPeriod {
  period: string;
  invoices: number;
  alreadyClosed: number;
}

/** "2026-11" → [2026-11-01, 2026-12-01) in UTC. */
export function monthBounds(period: string): { start: Date; end: Date } {
  const match = /^(\d{4})-(\d{2})$/.exec(period);
  const month = Number(match?.[2]);
  if (!match || month < 1 || month > 12) throw new Error(`period must look like 2026-11, not "${period}"`);
  const year = Number(match[1]);
  return { start: new Date(Date.UTC(year, month - 1, 1)), end: new Date(Date.UTC(year, month, 1)) };
}

export function previousMonth(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/**
 * Closes a calendar month: one invoice per consumer tenant and currency, with a line per
 * subscription's monthly fee (every subscription live at some point of the month pays the
 * whole fee: no proration), and per model a line of included units (0) and a line of overage
 * units (the sum of the events' amounts, rounded once to the cent). Lines sum to the total by
 * construction, and the units of a model's lines equal the units of its usage events. Each
 * priced line credits the model's publisher in the payout ledger, minus the platform fee.
 *
 * Idempotent and single-runner: one transaction under a PostgreSQL advisory lock, and a tenant
 * that already has the period's invoice is skipped (the unique key makes a second one impossible).
 *
 * Only a month that has ended can be closed: calls of an open month are still being served
 * and counted, and an invoice made before its end would leave them out (or bill them twice).
 * `asOf` is the moment of the close (tests pass the month's end, as if it had come).
 */
export async function closePeriod(services: AppServices, period: string, asOf = new Date()): Promise<ClosedPeriod> {
  const { start, end } = monthBounds(period);
  if (end.getTime() > asOf.getTime()) {
    throw new Error(
      `Period ${period} has not ended (it ends ${end.toISOString()}): its calls are still being served and counted. ` +
        "Close it after it ends (a running API closes the previous month within BILLING_CLOSE_INTERVAL_MS).",
    );
  }
  const feePercent = services.env.PLATFORM_FEE_PERCENT;
  return services.db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(74651)`;
      const invoices = await draftInvoices(tx, { start, end });

      let created = 0;
      let alreadyClosed = 0;
      for (const invoice of invoices.values()) {
        if (!invoice.lines.length) continue;
        const exists = await tx.invoice.findUnique({
          where: {
            tenantId_periodStart_currency: {
              tenantId: invoice.tenantId,
              periodStart: start,
              currency: invoice.currency,
            },
          },
          select: { id: true },
        });
        if (exists) {
          alreadyClosed++;
          continue;
        }
        const invoiceId = newId("invoice");
        const lines = invoice.lines.map((l) => ({ ...l, id: newId("invoiceLine") }));
        await tx.invoice.create({
          data: {
            id: invoiceId,
            tenantId: invoice.tenantId,
            periodStart: start,
            periodEnd: end,
            status: "OPEN",
            currency: invoice.currency,
            totalCents: lines.reduce((sum, l) => sum + l.amountCents, 0),
            lines: {
              create: lines.map((l) => ({
                id: l.id,
                description: l.description,
                modelId: l.modelId,
                subscriptionId: l.subscriptionId,
                quantity: l.quantity,
                amountCents: l.amountCents,
              })),
            },
          },
        });
        const priced = lines.filter((l) => l.amountCents > 0);
        if (priced.length) {
          await tx.payoutEntry.createMany({
            data: priced.map((l) => {
              const feeCents = platformFeeCents(l.amountCents, feePercent);
              return {
                id: newId("payout"),
                publisherTenantId: l.publisherTenantId,
                invoiceLineId: l.id,
                modelId: l.modelId,
                periodStart: start,
                currency: invoice.currency,
                grossCents: l.amountCents,
                feeCents,
                netCents: l.amountCents - feeCents,
              };
            }),
          });
        }
        created++;
      }
      return { period, invoices: created, alreadyClosed };
    },
    { timeout: 120_000, maxWait: 60_000 },
  );
}
