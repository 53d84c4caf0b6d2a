import crypto from "node:crypto";
import { AppError, badInput, newId, unitsAmountMicros } from "@modelmarket/domain";
import type { Principal } from "../../../auth/principal";
import { requestScope } from "../../../infra/request-context";
import type { AppServices } from "../../../services";
import { releaseUnits, reserveUnits } from "../../billing/support/reserve-units";

/** What an inference operation resolved before calling the model (resolve-callable-version.ts). */
export interface CallableVersion {
  principal: Principal;
  model: { id: string; slug: string };
  version: { id: string; sha256: string };
  subscription: { id: string; currentPeriodEnd: Date; plan: { rateLimitPerMinute: number } };
}

/**
 * THE seam between inference and billing: every inference operation runs its model call
 * through here with the number of billed units (one per input) and a fingerprint of its input.
 *
 * 1. rate limit of the plan (per subscription and minute) → RATE_LIMITED + retryAfterMs;
 * 2. an `Idempotency-Key` already used by this tenant: the first result again when the input
 *    is the same (not billed twice), BAD_USER_INPUT when it differs;
 * 3. reserve the units atomically against the plan's included units and the spend cap
 *    (QUOTA_EXCEEDED when neither overage nor the cap allows them);
 * 4. run; on failure release the reservation and count an error (not billed);
 * 5. on success write one usage event and wait until it is committed (group commit)
 *    before answering.
 */
export async function billedCall<T>(
  services: AppServices,
  callable: CallableVersion,
  units: number,
  run: () => Promise<T>,
  /** Everything of the caller's input that changes the answer: a retry must match it. */
  fingerprint: unknown,
): Promise<T> {
  const scope = requestScope.getStore();
  if (!scope) throw new Error("billed call outside a request");
  if (scope.billed) {
    throw badInput("One inference call per request: the request id is the call's receipt. Send the others separately.");
  }
  scope.billed = true;
  if (services.env.METERING === "off") return run();
  const { principal, subscription, version } = callable;
  await services.inferenceRateLimits.consume(subscription.id, subscription.plan.rateLimitPerMinute);

  const key = scope.idempotencyKey ?? null;
  const requestHash = key
    ? crypto
        .createHash("sha256")
        .update(JSON.stringify([callable.model.slug, version.id, fingerprint]))
        .digest("hex")
    : null;
  if (key) {
    const earlier = await findIdempotent(services, principal.tenantId, key);
    if (earlier) return replay<T>(earlier, requestHash as string);
  }

  let reservation: Awaited<ReturnType<typeof reserveUnits>>;
  try {
    reservation = await reserveUnits(services, subscription, units);
  } catch (error) {
    // The database refused what the cached subscription allowed (canceled, past due,
    // switched): the next call reads it again.
    services.liveSubscriptions.forget(principal.tenantId, callable.model.id);
    throw error;
  }
  // A period that just rolled over has a new end: read it again next time.
  if (subscription.currentPeriodEnd.getTime() <= Date.now()) {
    services.liveSubscriptions.forget(principal.tenantId, callable.model.id);
  }
  const started = Date.now();
  let result: T;
  try {
    result = await run();
  } catch (error) {
    await releaseUnits(services, subscription.id, units);
    // Counted as an error for the reports, never billed; not awaited (nothing to guarantee).
    services.usage
      .record({
        ...baseRow(callable, started),
        id: newId("usageEvent"),
        requestId: `${scope.requestId}:error`,
        outcome: "ERROR",
        units: 0,
        billedUnits: 0,
        amountMicros: 0n,
        idempotencyKey: null,
        requestHash: null,
        response: null,
      })
      .catch(() => {});
    throw error;
  }
  const inserted = await services.usage.record({
    ...baseRow(callable, started),
    id: newId("usageEvent"),
    requestId: scope.requestId,
    outcome: "SUCCESS",
    units,
    billedUnits: reservation.billedUnits,
    amountMicros: unitsAmountMicros(reservation.billedUnits, reservation.unitPriceMicros),
    idempotencyKey: key,
    requestHash,
    response: key ? (result as unknown) : null,
  });
  if (!inserted) {
    // A concurrent retry with the same Idempotency-Key committed first: this call's units
    // go back, and the caller gets the first result, billed once.
    await releaseUnits(services, subscription.id, units);
    const earlier = await findIdempotent(services, principal.tenantId, key as string);
    if (earlier) return replay<T>(earlier, requestHash as string);
    throw new Error("usage event neither inserted nor found");
  }
  return result;
}

function baseRow(callable: CallableVersion, started: number) {
  return {
    tenantId: callable.principal.tenantId,
    apiKeyId: callable.principal.kind === "apiKey" ? callable.principal.apiKeyId : null,
    subscriptionId: callable.subscription.id,
    modelVersionId: callable.version.id,
    latencyMs: Date.now() - started,
    createdAt: new Date(),
  };
}

async function findIdempotent(services: AppServices, tenantId: string, key: string) {
  return services.db.usageEvent.findUnique({
    where: { tenantId_idempotencyKey: { tenantId, idempotencyKey: key } },
    select: { requestHash: true, response: true, requestId: true },
  });
}

function replay<T>(
  earlier: { requestHash: string | null; response: unknown; requestId: string },
  requestHash: string,
): T {
  if (earlier.requestHash !== requestHash) {
    throw new AppError(
      "BAD_USER_INPUT",
      "This Idempotency-Key was already used with a different input; use a new key for a new call.",
    );
  }
  // A replay is the same call: it answers with the original request id, the call's receipt.
  const scope = requestScope.getStore();
  if (scope) scope.replayOf = earlier.requestId;
  return earlier.response as T;
}
