import { AppError } from "@modelmarket/domain";
import type { AppServices } from "../../services";

export interface Reservation {
  /** Units of this call beyond the plan's included units (billed at the unit price). */
  billedUnits: number;
  unitPriceMicros: number;
}

type Row = { after: number | bigint; included: number | bigint; price: number | bigint };

/**
 * Reserves `units` of the subscription's current period in one conditional UPDATE, so that
 * with a quota of N exactly N units are served under any concurrency: the row lock makes
 * concurrent reservations queue, and each sees the units of the ones before it. A period
 * that has ended rolls over first (usage counter back to 0).
 */
export async function reserveUnits(
  services: AppServices,
  subscription: { id: string; currentPeriodEnd: Date },
  units: number,
): Promise<Reservation> {
  const subscriptionId = subscription.id;
  // The subscription was just read: only an ended period needs the roll-over query.
  if (subscription.currentPeriodEnd.getTime() <= Date.now()) await rollOver(services, subscriptionId);
  // Asynchronous commit: the row lock is not held across a WAL flush, and a served call's
  // reservation is still durable, because the call answers only after its usage event's
  // synchronous commit, which flushes the WAL up to and past this statement.
  const rows = await services.asyncCommitQuery<Row>(
    `UPDATE "Subscription" AS s SET "periodUnits" = s."periodUnits" + $2::int, "lastReservedAt" = now()
    FROM "Plan" AS p
    WHERE s.id = $1 AND p.id = s."planId" AND s.status = 'ACTIVE'
      AND (s."periodUnits" + $2::int <= p."includedUnits" OR p."unitPriceMicros" > 0)
      AND (s."spendCapCents" IS NULL
        OR p."monthlyFeeCents"::bigint * 10000
           + GREATEST(0, s."periodUnits" + $2::int - p."includedUnits")::bigint * p."unitPriceMicros"
           <= s."spendCapCents"::bigint * 10000)
    RETURNING s."periodUnits" AS "after", p."includedUnits" AS included, p."unitPriceMicros" AS price`,
    [subscriptionId, units],
  );
  const row = rows[0];
  if (!row) throw await refusal(services, subscriptionId, units);
  const after = Number(row.after);
  const included = Number(row.included);
  const overBefore = Math.max(0, after - units - included);
  const overAfter = Math.max(0, after - included);
  return { billedUnits: overAfter - overBefore, unitPriceMicros: Number(row.price) };
}

/** Gives back the units of a call that failed. */
export async function releaseUnits(services: AppServices, subscriptionId: string, units: number): Promise<void> {
  await services.asyncCommitQuery(
    `UPDATE "Subscription" SET "periodUnits" = GREATEST(0, "periodUnits" - $2::int) WHERE id = $1`,
    [subscriptionId, units],
  );
}

async function rollOver(services: AppServices, subscriptionId: string): Promise<void> {
  // Rare: only when the period has ended; loops over several missed months at once.
  await services.db.$executeRaw`
    UPDATE "Subscription"
    SET "currentPeriodStart" = "currentPeriodStart" + make_interval(months => n.k),
        "currentPeriodEnd" = "currentPeriodEnd" + make_interval(months => n.k),
        "periodUnits" = 0
    FROM (SELECT (EXTRACT(YEAR FROM age(now(), s."currentPeriodEnd")) * 12
                  + EXTRACT(MONTH FROM age(now(), s."currentPeriodEnd")) + 1)::int AS k
          FROM "Subscription" s WHERE s.id = ${subscriptionId}) AS n
    WHERE id = ${subscriptionId} AND "currentPeriodEnd" <= now()`;
}

async function refusal(services: AppServices, subscriptionId: string, units: number): Promise<AppError> {
  const s = await services.db.subscription.findUnique({ where: { id: subscriptionId }, include: { plan: true } });
  if (s?.status !== "ACTIVE") {
    return new AppError("FORBIDDEN", "The subscription is not active; subscribe again to call this model.");
  }
  const left = Math.max(0, s.plan.includedUnits - s.periodUnits);
  if (s.plan.unitPriceMicros === 0) {
    return new AppError(
      "QUOTA_EXCEEDED",
      `The plan "${s.plan.name}" includes ${s.plan.includedUnits} units per period; ${left} left, this call needs ${units}. ` +
        `It renews on ${s.currentPeriodEnd.toISOString()}, or switch to a plan with overage.`,
    );
  }
  return new AppError(
    "QUOTA_EXCEEDED",
    `This call would take the period's cost past the subscription's spend cap of ${s.spendCapCents} cents; ` +
      "raise the cap or wait for the next period.",
  );
}
