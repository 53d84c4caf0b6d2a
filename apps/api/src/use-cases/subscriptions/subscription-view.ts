import type { Prisma } from "@modelmarket/db";
import type { AppServices } from "../../services";
import { MODEL_INCLUDE, toModelView } from "../catalog/model-view";

export const SUBSCRIPTION_INCLUDE = {
  model: { include: MODEL_INCLUDE },
  plan: true,
} satisfies Prisma.SubscriptionInclude;

type SubscriptionRow = Prisma.SubscriptionGetPayload<{ include: typeof SUBSCRIPTION_INCLUDE }>;

/** Adds the units used in the current period, summed from successful usage events. */
export async function withUsedUnits(services: AppServices, row: SubscriptionRow) {
  const used = await services.db.usageEvent.aggregate({
    _sum: { units: true },
    where: {
      subscriptionId: row.id,
      outcome: "SUCCESS",
      createdAt: { gte: row.currentPeriodStart, lt: row.currentPeriodEnd },
    },
  });
  return { ...row, model: toModelView(row.model), usedUnits: used._sum.units ?? 0 };
}
