import {
  AppError,
  billedTokens,
  billedUnits,
  formatCents,
  isTokenPriced,
  type TokenCount,
  type TokenPrices,
} from "@modelmarket/domain";
import type { Env } from "../env";
import type { AppServices } from "../services";

export interface Reservation {
  /** Units of this call beyond the plan's included units (billed at the unit price). */
  billedUnits: number;
  unitPriceMicros: number;
}

type Row = { after: number | bigint; included: number | bigint; price: number | bigint; room: number | string | null };

export type ReservationWaiter = {
  units: number;
  resolve: (reservation: Reservation) => void;
  reject: (error: unknown) => void;
};

/**
 * Reserves `units` of the subscription's current period in one conditional UPDATE (the rules
 * are the database function reservation_fits, shared with charge_calls), so that
 * with a quota of N exactly N units are served under any concurrency: the row lock makes
 * concurrent reservations queue, and each sees the units of the ones before it. A period
 * that has ended rolls over first (usage counter back to 0).
 *
 * Group reservation: while a reservation of a subscription is in flight, the next ones wait
 * and then go out as one UPDATE of their sum (one statement per batch instead of per call,
 * like the usage writer's group commit); each call's share of overage is computed in order,
 * exactly as if they had run one by one. When the sum does not fit (quota or spend cap), they
 * are reserved one by one, so as many as fit are served. An idle subscription's reservation
 * goes out at once: no added latency.
 */
export async function reserveUnits(
  services: AppServices,
  subscription: { id: string; currentPeriodEnd: Date },
  units: number,
): Promise<Reservation> {
  const subscriptionId = subscription.id;
  // The subscription was just read: only an ended period needs the roll-over query.
  if (subscription.currentPeriodEnd.getTime() <= Date.now()) await rollOver(services, subscriptionId);
  return new Promise<Reservation>((resolve, reject) => {
    const waiting = services.metering.reservationGroups.get(subscriptionId);
    if (waiting) {
      waiting.push({ units, resolve, reject });
      return;
    }
    services.metering.reservationGroups.set(subscriptionId, []);
    void reserveGroup(services, subscriptionId, [{ units, resolve, reject }]);
  });
}

async function reserveGroup(services: AppServices, subscriptionId: string, batch: ReservationWaiter[]): Promise<void> {
  try {
    const total = batch.reduce((sum, w) => sum + w.units, 0);
    const row = await tryReserve(services, subscriptionId, total).catch((error: unknown) => {
      for (const w of batch) w.reject(error);
      return "failed" as const;
    });
    if (row === "failed") return;
    if (row) {
      // In order: each call's units sit after the ones before it in the batch.
      let before = Number(row.after) - total;
      for (const w of batch) {
        w.resolve(share(before, w.units, Number(row.included), Number(row.price)));
        before += w.units;
      }
      return;
    }
    for (const w of batch) {
      try {
        const single = batch.length === 1 ? null : await tryReserve(services, subscriptionId, w.units);
        if (!single) {
          services.metering.rooms.note(subscriptionId, 0);
          throw await refusal(services, subscriptionId, w.units);
        }
        w.resolve(share(Number(single.after) - w.units, w.units, Number(single.included), Number(single.price)));
      } catch (error) {
        w.reject(error);
      }
    }
  } finally {
    const next = services.metering.reservationGroups.get(subscriptionId) ?? [];
    if (next.length) {
      services.metering.reservationGroups.set(subscriptionId, []);
      void reserveGroup(services, subscriptionId, next);
    } else services.metering.reservationGroups.delete(subscriptionId);
  }
}

/** The UPDATE itself: the new period total, or nothing when quota, cap or status refuse it. */
async function tryReserve(services: AppServices, subscriptionId: string, units: number): Promise<Row | undefined> {
  // Asynchronous commit: the row lock is not held across a WAL flush, and a served call's
  // reservation is still durable, because the call answers only after its usage event's
  // synchronous commit, which flushes the WAL up to and past this statement.
  const rows = await services.asyncCommitQuery<Row>(
    `UPDATE "Subscription" AS s SET "periodUnits" = s."periodUnits" + $2::int, "lastReservedAt" = now()
    FROM "Plan" AS p
    WHERE s.id = $1 AND p.id = s."planId" AND reservation_fits(s, p, $2::int)
    RETURNING s."periodUnits" AS "after", p."includedUnits" AS included, p."unitPriceMicros" AS price,
      subscription_room(s, p) AS room`,
    [subscriptionId, units],
  );
  const row = rows[0];
  if (row) services.metering.rooms.note(subscriptionId, row.room === null ? null : Number(row.room));
  return row;
}

/** A call's reservation: its units beyond the included ones, given the period's units before it. */
function share(before: number, units: number, included: number, unitPriceMicros: number): Reservation {
  return { billedUnits: billedUnits(before, units, included), unitPriceMicros };
}

/** A token call's reservation: its tokens, those beyond the included ones, and the plan's prices. */
export interface TokenReservation {
  tokens: TokenCount;
  billed: TokenCount;
  prices: TokenPrices;
}

type TokenRow = { after: number; included: number; input_price: number | null; output_price: number | null };

/**
 * Reserves a token call's worst case (its prompt and maxTokens) in one conditional UPDATE under
 * the database function token_reservation_fits: included tokens, and the spend cap priced with
 * the input and output token prices separately. The period's billed input and output counters
 * grow by the call's share beyond the included tokens (its last tokens: generated ones first),
 * so the next reservation prices the period exactly. No grouping: a generation runs for
 * seconds, one statement per call is nothing beside it.
 */
export async function reserveTokens(
  services: AppServices,
  subscription: { id: string; currentPeriodEnd: Date },
  tokens: TokenCount,
): Promise<TokenReservation> {
  if (subscription.currentPeriodEnd.getTime() <= Date.now()) await rollOver(services, subscription.id);
  const units = tokens.input + tokens.output;
  const rows = await services.asyncCommitQuery<TokenRow>(
    `UPDATE "Subscription" AS s SET "periodUnits" = s."periodUnits" + $2::int + $3::int,
      "periodBilledOutputUnits" = s."periodBilledOutputUnits"
        + LEAST($3::int, overage_units(s."periodUnits", $2::int + $3::int, p."includedUnits")),
      "periodBilledInputUnits" = s."periodBilledInputUnits"
        + overage_units(s."periodUnits", $2::int + $3::int, p."includedUnits")
        - LEAST($3::int, overage_units(s."periodUnits", $2::int + $3::int, p."includedUnits")),
      "lastReservedAt" = now()
    FROM "Plan" AS p
    WHERE s.id = $1 AND p.id = s."planId" AND token_reservation_fits(s, p, $2::int, $3::int)
    RETURNING s."periodUnits" AS "after", p."includedUnits" AS included,
      p."inputPricePerMillionMicros" AS input_price, p."outputPricePerMillionMicros" AS output_price`,
    [subscription.id, tokens.input, tokens.output],
  );
  const row = rows[0];
  if (!row) throw await refusal(services, subscription.id, units);
  const before = Number(row.after) - units;
  return {
    tokens,
    billed: billedTokens(billedUnits(before, units, Number(row.included)), tokens.output),
    prices: {
      inputPricePerMillionMicros: row.input_price === null ? null : Number(row.input_price),
      outputPricePerMillionMicros: row.output_price === null ? null : Number(row.output_price),
    },
  };
}

/** Gives back tokens of a token call: units not used, and their share of the billed counters. */
export async function releaseTokens(
  services: AppServices,
  subscriptionId: string,
  giveBack: TokenCount & { units: number },
): Promise<void> {
  if (!giveBack.units && !giveBack.input && !giveBack.output) return;
  await services.asyncCommitQuery(
    `UPDATE "Subscription" SET "periodUnits" = GREATEST(0, "periodUnits" - $2::int),
      "periodBilledInputUnits" = GREATEST(0, "periodBilledInputUnits" - $3::int),
      "periodBilledOutputUnits" = GREATEST(0, "periodBilledOutputUnits" - $4::int)
    WHERE id = $1`,
    [subscriptionId, giveBack.units, giveBack.input, giveBack.output],
  );
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
        "periodUnits" = 0, "periodBilledInputUnits" = 0, "periodBilledOutputUnits" = 0
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
  const held = await heldUnits(services, s);
  const tokens = isTokenPriced(s.plan);
  const overage = tokens
    ? (s.plan.inputPricePerMillionMicros ?? 0) > 0 || (s.plan.outputPricePerMillionMicros ?? 0) > 0
    : s.plan.unitPriceMicros > 0;
  if (!overage) {
    const what = tokens ? "tokens" : "units";
    return new AppError(
      "QUOTA_EXCEEDED",
      `The plan "${s.plan.name}" includes ${s.plan.includedUnits} ${what} per period; ${left} left, this call needs ${units}` +
        `${tokens ? " (its prompt and maxTokens: lower maxTokens to fit)" : ""}. ` +
        `${held}It renews on ${s.currentPeriodEnd.toISOString()}, or switch to a plan with overage.`,
    );
  }
  return new AppError(
    "QUOTA_EXCEEDED",
    `This call would take the period's cost past the subscription's spend cap of ${formatCents(s.spendCapCents ?? 0, s.plan.currency)}; ` +
      `${held}raise the cap or wait for the next period.`,
  );
}

/**
 * Units counted against the period but not (yet) by a served call: calls still running, or
 * calls of an API instance that stopped mid-call, whose units reconciliation gives back. Said
 * in the refusal, so that it does not contradict a usage report that counts served calls only.
 */
async function heldUnits(
  services: AppServices,
  s: { id: string; periodUnits: number; carriedUnits: number; currentPeriodStart: Date },
): Promise<string> {
  const served = await services.db.usageEvent.aggregate({
    _sum: { units: true },
    where: { subscriptionId: s.id, outcome: "SUCCESS", createdAt: { gte: s.currentPeriodStart } },
  });
  const held = s.periodUnits - s.carriedUnits - (served._sum.units ?? 0);
  if (held <= 0) return "";
  const within = Math.ceil(
    reconcileQuietMs(services.env) / 1000 + services.env.RESERVATION_RECONCILE_INTERVAL_MS / 1000,
  );
  return (
    `${held} of the period's units are held by calls not finished (still running, or cut off by a restart: ` +
    `those are given back within about ${within} s). `
  );
}

/**
 * Longer than any call can hold a reservation: the tier's deadline, the inference client's
 * 2 s guard beyond it, and slack for the charge's commit. reconcile-reservations.ts gives back what is held longer.
 */
export function reconcileQuietMs(env: Pick<Env, "INFERENCE_DEADLINE_MS">): number {
  return env.INFERENCE_DEADLINE_MS + 10_000;
}
