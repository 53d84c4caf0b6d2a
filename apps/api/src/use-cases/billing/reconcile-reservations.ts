import { reconcileQuietMs } from "../../metering/reserve-units";
import type { AppServices } from "../../services";

/**
 * Gives back units reserved by calls that never finished (an instance killed mid-call holds
 * its reservation forever otherwise, and the quota runs out early): a subscription's
 * `periodUnits` is set to what its period's events (plus units carried from earlier
 * subscriptions) account for, and a token plan's billed input/output counters to its events'.
 *
 * Exact under concurrency: only subscriptions with no reservation for `quietMs` (longer than
 * any call can run: its deadline plus margins) are touched, so every reservation older than
 * that has finished, and the WHERE clause is re-checked under the row lock, so a reservation
 * racing this statement either lands first (and the row is skipped) or after (and adds to the
 * reconciled value). Only ever lowers the counter: a leak is a unit counted and not served.
 */
export async function reconcileReservations(services: AppServices, quietMs: number): Promise<number> {
  return services.db.$executeRaw`
    UPDATE "Subscription" AS s
    SET "periodUnits" = s."carriedUnits" + COALESCE(used.units, 0),
      "periodBilledInputUnits" = COALESCE(used.input, 0), "periodBilledOutputUnits" = COALESCE(used.output, 0)
    FROM (
      SELECT sub.id, e.units, e.input, e.output
      FROM "Subscription" sub
      CROSS JOIN LATERAL (
        SELECT SUM(ev.units)::int AS units,
          SUM(ev."billedUnits" - ev."billedOutputUnits") FILTER (WHERE ev."inputUnits" IS NOT NULL)::int AS input,
          SUM(ev."billedOutputUnits")::int AS output
        FROM "UsageEvent" ev
        WHERE ev."subscriptionId" = sub.id AND ev.outcome = 'SUCCESS' AND ev."createdAt" >= sub."currentPeriodStart"
      ) AS e
      WHERE sub."lastReservedAt" IS NOT NULL
        AND sub."lastReservedAt" < now() - make_interval(secs => ${quietMs / 1000}::double precision)
        AND sub."currentPeriodEnd" > now()
    ) AS used
    WHERE s.id = used.id
      AND s."lastReservedAt" < now() - make_interval(secs => ${quietMs / 1000}::double precision)
      AND s."periodUnits" > s."carriedUnits" + COALESCE(used.units, 0)`;
}

/**
 * Reconciles at start and then every RESERVATION_RECONCILE_INTERVAL_MS (0 = never). Any
 * number of instances may run it: it is one idempotent statement.
 */
export function scheduleReservationReconcile(services: AppServices): NodeJS.Timeout | undefined {
  const every = services.env.RESERVATION_RECONCILE_INTERVAL_MS;
  if (!every) return undefined;
  const quietMs = reconcileQuietMs(services.env);
  const run = async () => {
    try {
      const fixed = await reconcileReservations(services, quietMs);
      if (fixed) services.logger.warn({ subscriptions: fixed }, "reservations of unfinished calls given back");
    } catch (error) {
      services.logger.error({ err: error }, "reconciling reservations failed; retrying at the next check");
    }
  };
  void run();
  const timer = setInterval(() => void run(), every);
  timer.unref();
  return timer;
}
