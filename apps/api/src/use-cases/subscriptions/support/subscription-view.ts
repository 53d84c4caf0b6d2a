import type { Prisma } from "@modelmarket/db";
import { periodEstimate } from "@modelmarket/domain";
import type { AppServices } from "../../../services";
import { MODEL_INCLUDE, toModelView } from "../../support/model-view";

export const SUBSCRIPTION_INCLUDE = {
  model: { include: MODEL_INCLUDE },
  plan: true,
} satisfies Prisma.SubscriptionInclude;

type SubscriptionRow = Prisma.SubscriptionGetPayload<{ include: typeof SUBSCRIPTION_INCLUDE }>;

/**
 * Adds the units used in the current period, summed from successful usage events, plus those
 * used in the same period by earlier subscriptions to the model (carried over at subscribe),
 * and what the period costs so far (money.ts: the fee plus the exact overage, rounded once).
 */
export async function withUsedUnits(services: AppServices, row: SubscriptionRow) {
  const [withUnits] = await withUsedUnitsAll(services, [row]);
  return withUnits as NonNullable<typeof withUnits>;
}

/** The same for a list, in one grouped query whatever its length. */
export async function withUsedUnitsAll(services: AppServices, rows: SubscriptionRow[]) {
  const used = rows.length
    ? await services.db.usageEvent.groupBy({
        by: ["subscriptionId"],
        _sum: { units: true, billedUnits: true, billedOutputUnits: true, amountMicros: true },
        where: {
          outcome: "SUCCESS",
          OR: rows.map((row) => ({
            subscriptionId: row.id,
            createdAt: { gte: row.currentPeriodStart, lt: row.currentPeriodEnd },
          })),
        },
      })
    : [];
  const sums = new Map(used.map((u) => [u.subscriptionId, u._sum]));
  return rows.map((row) => {
    const sum = sums.get(row.id);
    return {
      ...row,
      model: toModelView(row.model),
      usedUnits: row.carriedUnits + (sum?.units ?? 0),
      estimate: {
        ...periodEstimate(row.plan, {
          billedUnits: sum?.billedUnits ?? 0,
          billedOutputUnits: sum?.billedOutputUnits ?? 0,
          amountMicros: sum?.amountMicros ?? 0n,
        }),
        currency: row.plan.currency,
      },
    };
  });
}
