import type { Prisma } from "@modelmarket/db";
import { isTokenPriced, overageLines } from "@modelmarket/domain";

export type InvoiceLineDraft = {
  description: string;
  modelId: string;
  modelSlug: string;
  subscriptionId: string;
  quantity: number;
  amountCents: number;
  publisherTenantId: string;
};

export interface InvoiceDraft {
  tenantId: string;
  currency: string;
  lines: InvoiceLineDraft[];
}

/**
 * THE invoice computation, for closing a period (close-period.ts) and for showing what the
 * period costs so far (upcoming-invoices.ts), so that the estimate and the invoice cannot
 * differ: per consumer tenant and currency, a line per subscription's monthly fee (every
 * subscription live at some point of the period pays the whole fee, also when canceled or
 * switched since: no proration), and per subscription a line of included units (0) and its
 * overage lines (money.ts overageLines: units at the exact sum of the events' amounts, or input
 * and output tokens at their price per million; each rounded once to the cent).
 * `tenantId` limits it to one consumer.
 */
export async function draftInvoices(
  tx: Prisma.TransactionClient,
  { start, end }: { start: Date; end: Date },
  tenantId?: string,
): Promise<Map<string, InvoiceDraft>> {
  const tenant = tenantId ? { tenantId } : {};
  const subscriptions = await tx.subscription.findMany({
    where: {
      ...tenant,
      createdAt: { lt: end },
      OR: [{ canceledAt: null }, { canceledAt: { gte: start } }],
    },
    include: { plan: true, model: { select: { id: true, slug: true, publisherTenantId: true } } },
  });
  const usage = await tx.usageEvent.groupBy({
    by: ["subscriptionId"],
    where: { ...tenant, outcome: "SUCCESS", createdAt: { gte: start, lt: end } },
    _sum: { units: true, billedUnits: true, billedOutputUnits: true, amountMicros: true },
  });
  const usageBySubscription = new Map(usage.map((u) => [u.subscriptionId, u._sum]));
  // Events of subscriptions not live this month (cannot happen, but never drop units).
  const missing = usage.filter((u) => !subscriptions.some((s) => s.id === u.subscriptionId));
  if (missing.length) {
    subscriptions.push(
      ...(await tx.subscription.findMany({
        where: { id: { in: missing.map((m) => m.subscriptionId) } },
        include: { plan: true, model: { select: { id: true, slug: true, publisherTenantId: true } } },
      })),
    );
  }

  const invoices = new Map<string, InvoiceDraft>();
  for (const s of subscriptions) {
    const key = `${s.tenantId}:${s.plan.currency}`;
    const invoice = invoices.get(key) ?? { tenantId: s.tenantId, currency: s.plan.currency, lines: [] };
    invoices.set(key, invoice);
    const base = {
      modelId: s.model.id,
      modelSlug: s.model.slug,
      subscriptionId: s.id,
      publisherTenantId: s.model.publisherTenantId,
    };
    if (s.createdAt < end && (s.canceledAt === null || s.canceledAt >= start)) {
      invoice.lines.push({
        ...base,
        description: `${s.model.slug} — ${s.plan.name} plan, monthly fee`,
        quantity: 1,
        amountCents: s.plan.monthlyFeeCents,
      });
    }
    const used = usageBySubscription.get(s.id);
    const units = used?.units ?? 0;
    const billed = used?.billedUnits ?? 0;
    const included = isTokenPriced(s.plan) ? "tokens" : "units";
    if (units - billed > 0) {
      invoice.lines.push({
        ...base,
        description: `${s.model.slug} — included ${included}`,
        quantity: units - billed,
        amountCents: 0,
      });
    }
    const lines = overageLines(s.plan, {
      billedUnits: billed,
      billedOutputUnits: used?.billedOutputUnits ?? 0,
      amountMicros: used?.amountMicros ?? 0n,
    });
    for (const line of lines) {
      invoice.lines.push({
        ...base,
        description: `${s.model.slug} — ${line.what} beyond the plan at ${line.price}`,
        quantity: line.quantity,
        amountCents: line.amountCents,
      });
    }
  }
  return invoices;
}
