import { GroupCommit } from "../infra/group-commit";
import type { UsageEventRow } from "../infra/usage-writer";
import type { AppServices } from "../services";

/** A served call to charge: its usage event without what the charge works out. */
export type CallToCharge = Omit<
  UsageEventRow,
  "outcome" | "billedUnits" | "amountMicros" | "inputUnits" | "billedOutputUnits"
>;

export type ChargeOutcome =
  /** Units reserved and the event committed: the call may answer. */
  | { status: "charged"; billedUnits: number; room: number | null }
  /** The subscription refused the units (status, quota, cap, an ended period): nothing written. */
  | { status: "refused" }
  /** Units reserved but an event with the same request id or idempotency key already existed. */
  | { status: "duplicate" };

type ResultRow = {
  id: string;
  reserved: boolean;
  inserted: boolean;
  billed: number | null;
  /** int8: a string from node-postgres, a number from PGlite. */
  room: string | number | null;
};

/**
 * Charges a call that has already run, in ONE statement for every call that finishes
 * together (group commit): each subscription's units are reserved with exactly the
 * reservation's rules (the database function reservation_fits) and each call's usage event is inserted with its
 * share of overage, worked out in order as if the calls had been reserved one by one. The
 * statement commits synchronously, so the event is durable before the call answers, and
 * reservation and event commit together (no reservation without its event, nothing to
 * reconcile). A subscription whose calls do not all fit is left untouched and each of those
 * calls is `refused`: the caller then goes the reserve-first way, one by one (billed-call.ts).
 */
export function chargeCall(services: AppServices, call: CallToCharge): Promise<ChargeOutcome> {
  let committer = services.metering.chargeCommitter;
  if (!committer) {
    committer = new GroupCommit((calls) => chargeCalls(services, calls), {
      maxDelayMs: services.env.USAGE_COMMIT_MAX_DELAY_MS,
      maxBatch: 500,
      onError: (error, calls) => services.logger.error({ err: error, calls }, "calls could not be charged"),
    });
    services.metering.chargeCommitter = committer;
  }
  return committer.submit(call);
}

/** The statement for one batch (exported for its test). */
export async function chargeCalls(services: AppServices, calls: CallToCharge[]): Promise<ChargeOutcome[]> {
  const col = <T>(f: (c: CallToCharge) => T) => calls.map(f);
  const params = [
    col((c) => c.id),
    col((c) => c.requestId),
    col((c) => c.tenantId),
    col((c) => c.apiKeyId),
    col((c) => c.subscriptionId),
    col((c) => c.modelVersionId),
    col((c) => c.units),
    col((c) => c.latencyMs),
    col((c) => c.idempotencyKey),
    col((c) => c.requestHash),
    col((c) => (c.response === null || c.response === undefined ? null : JSON.stringify(c.response))),
    col((c) => c.createdAt.toISOString()),
  ];
  // The statement is the database function charge_calls (migration 20261202040000): its plan
  // is kept by the session, and the reservation rules are the ones reserve-units.ts uses.
  const sql = `SELECT * FROM charge_calls($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
    $7::int[], $8::int[], $9::text[], $10::text[], $11::text[], $12::timestamptz[])`;
  const rows = await withDeadlockRetry(() => services.durableQuery<ResultRow>(sql, params));
  return rows.map((row): ChargeOutcome => {
    if (!row.reserved) return { status: "refused" };
    if (!row.inserted) return { status: "duplicate" };
    return { status: "charged", billedUnits: Number(row.billed), room: row.room === null ? null : Number(row.room) };
  });
}

/**
 * Takes back the charge of a call whose model run failed after the charge was written (the
 * charge is written while the model runs, billed-call.ts): its usage event is deleted and its
 * units go back to the subscription, in one statement committed synchronously before the call
 * answers its error — so the quota and the invoice are exactly as before the call. Nothing has
 * reported the event to Stripe yet: the sync reports only events older than any call can run.
 */
export async function refundCharge(services: AppServices, call: { id: string; subscriptionId: string }): Promise<void> {
  await services.durableQuery(
    `WITH gone AS (DELETE FROM "UsageEvent" WHERE id = $1 AND "subscriptionId" = $2 RETURNING units)
    UPDATE "Subscription" SET "periodUnits" = GREATEST(0, "periodUnits" - (SELECT units FROM gone))
    WHERE id = $2 AND EXISTS (SELECT 1 FROM gone)`,
    [call.id, call.subscriptionId],
  );
}

/** A deadlock with another transaction (one is chosen to fail) is retried once: nothing was written. */
async function withDeadlockRetry<T>(statement: () => Promise<T>): Promise<T> {
  try {
    return await statement();
  } catch (error) {
    if (!/40P01|deadlock detected/.test(String((error as { message?: string })?.message ?? error))) throw error;
    return statement();
  }
}
