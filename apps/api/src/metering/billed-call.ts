import crypto from "node:crypto";
import {
  AppError,
  badInput,
  newId,
  settleTokens,
  type TokenCount,
  tokensAmountMicros,
  unitsAmountMicros,
} from "@modelmarket/domain";
import type { Principal } from "../auth/principal";
import { addTiming, requestScope, sinceRequestStart } from "../infra/request-context";
import type { AppServices } from "../services";
import { type ChargeOutcome, chargeCall, refundCharge } from "./charge-calls";
import { type Reservation, releaseTokens, releaseUnits, reserveTokens, reserveUnits } from "./reserve-units";

/** What an inference operation resolved before calling the model (resolve-callable-version.ts). */
export interface CallableVersion {
  principal: Principal;
  model: { id: string; slug: string };
  version: { id: string; sha256: string };
  /** null: the publisher's own model, called by its organisation without a subscription (own use). */
  subscription: { id: string; currentPeriodEnd: Date; plan: { rateLimitPerMinute: number } } | null;
}

/** A call billed to a subscription. */
type SubscribedCall = CallableVersion & { subscription: NonNullable<CallableVersion["subscription"]> };

/**
 * THE seam between inference and billing: every inference operation runs its model call
 * through here with the number of billed units (one per input) and a fingerprint of its input.
 *
 * 1. rate limit of the plan (per subscription and minute) → RATE_LIMITED + retryAfterMs;
 * 2. an `Idempotency-Key` already used by this tenant: the first result again when the input
 *    is the same (not billed twice), BAD_USER_INPUT when it differs;
 * 3. when the subscription's room is known to fit the call (metering-state.ts): run, then
 *    reserve the units and write the usage event in one statement (charge-calls.ts, group
 *    commit) before answering; a refusal there falls through to 4 without running again;
 * 4. otherwise reserve the units atomically against the plan's included units and the spend
 *    cap (QUOTA_EXCEEDED when neither overage nor the cap allows them), run, and write one
 *    usage event, committed (group commit) before answering;
 * 5. a failed run is never billed: its reservation goes back and an error is counted.
 *
 * A publisher's own model called by its own organisation without a subscription (own use:
 * trying a private draft, checking a new version) is neither metered nor billed, within
 * OWN_MODEL_CALLS_PER_MINUTE.
 */
export async function billedCall<T>(
  services: AppServices,
  callable: CallableVersion,
  units: number,
  run: () => Promise<T>,
  /** Everything of the caller's input that changes the answer: a retry must match it. */
  fingerprint: unknown,
): Promise<T> {
  const scope = claimRequest();
  if (!(await metered(services, callable))) return run().catch((error) => Promise.reject(naming(callable, error)));
  return subscribedCall(services, callable as SubscribedCall, scope, units, run, fingerprint);
}

async function subscribedCall<T>(
  services: AppServices,
  callable: SubscribedCall,
  scope: NonNullable<ReturnType<typeof requestScope.getStore>>,
  units: number,
  run: () => Promise<T>,
  fingerprint: unknown,
): Promise<T> {
  const { principal, subscription } = callable;
  await services.inferenceRateLimits.consume(subscription.id, subscription.plan.rateLimitPerMinute);

  const key = scope.idempotencyKey ?? null;
  const requestHash = key ? hashOf(callable, fingerprint) : null;
  if (key) {
    const earlier = await findIdempotent(services, principal.tenantId, key);
    if (earlier) return replay<T>(earlier, requestHash as string);
  }

  // Room known to fit: reserve and record in one statement (one database round trip per call,
  // shared by the calls that finish together). Without an Idempotency-Key the charge is written
  // WHILE the model runs — its size is known before the run — so the call answers after
  // max(model, commit) instead of their sum; a run that fails takes the charge back durably
  // before answering (refundCharge). With a key, the event holds the answer for a retry: it is
  // written after the run.
  if (subscription.currentPeriodEnd.getTime() > Date.now() && services.metering.rooms.take(subscription.id, units)) {
    let result: T;
    let outcome: ChargeOutcome;
    const started = Date.now();
    const id = newId("usageEvent");
    const charge = (result?: T) =>
      chargeCall(services, {
        ...baseRow(callable, started),
        id,
        requestId: scope.requestId,
        units,
        idempotencyKey: key,
        requestHash,
        response: key ? (result as unknown) : null,
      });
    // Issued once the model's call is on its way (a macrotask after run() started, whose
    // request to the tier goes out in microtasks): the statement's write must not hold up the
    // model's start — a write to PostgreSQL on loopback took ~1 ms of this thread in profiles,
    // and PGlite runs the statement on this thread.
    const early = key ? null : new Promise<void>((resolve) => setImmediate(resolve)).then(() => charge());
    // Observed after the run; a failure meanwhile must not count as unhandled.
    early?.catch(() => {});
    try {
      result = await runOrCountError(services, callable, scope.requestId, started, run, async () => {
        const written = await early?.catch(() => null);
        if (written?.status === "charged") await refundCharge(services, { id, subscriptionId: subscription.id });
      });
      const ran = performance.now();
      outcome = await (early ?? charge(result));
      addTiming("commit", performance.now() - ran);
    } finally {
      services.metering.rooms.give(subscription.id, units);
    }
    if (outcome.status === "charged") {
      services.metering.rooms.note(subscription.id, outcome.room);
      return result;
    }
    if (outcome.status === "duplicate") {
      await releaseUnits(services, subscription.id, units);
      return replayConcurrent<T>(services, principal.tenantId, key, requestHash);
    }
    // Refused as part of its batch: reserved alone now, which serves it if it fits by itself
    // and otherwise refuses it with the reason (quota, spend cap, status).
    const reservation = await reserveOrForget(services, callable, units);
    return recordUnits(services, callable, scope.requestId, { reservation, started, units, key, requestHash, result });
  }

  const reservation = await reserveOrForget(services, callable, units);
  const started = Date.now();
  const result = await runOrCountError(services, callable, scope.requestId, started, run, () =>
    releaseUnits(services, subscription.id, units),
  );
  return recordUnits(services, callable, scope.requestId, { reservation, started, units, key, requestHash, result });
}

/** The fingerprint of an Idempotency-Key's call: a retry must match it. */
function hashOf(callable: CallableVersion, fingerprint: unknown): string {
  return crypto
    .createHash("sha256")
    .update(JSON.stringify([callable.model.slug, callable.version.id, fingerprint]))
    .digest("hex");
}

/**
 * A call billed by the tokens it uses: a generation. Its worst case (`worst`: the prompt and
 * maxTokens) is reserved before it starts (reserveTokens: included tokens, and the spend cap
 * with input and output tokens priced separately), so a quota or a cap refuses it before any
 * token is produced; when it ends — completed, stopped, cancelled or timed out — one usage
 * event records the tokens it used (`run` says how many), billed at the plan's input and
 * output prices, and the rest of the reservation goes back. Exactly once, like billedCall:
 * the event is committed before the answer, and a failed run is never billed.
 */
export async function billedByUse<T>(
  services: AppServices,
  callable: CallableVersion,
  worst: TokenCount,
  run: () => Promise<{ result: T; used: TokenCount }>,
  fingerprint: unknown,
): Promise<T> {
  const scope = claimRequest();
  if (!(await metered(services, callable))) {
    return (await run().catch((error) => Promise.reject(naming(callable, error)))).result;
  }
  const subscribed = callable as SubscribedCall;
  await services.inferenceRateLimits.consume(
    subscribed.subscription.id,
    subscribed.subscription.plan.rateLimitPerMinute,
  );
  const key = scope.idempotencyKey ?? null;
  const requestHash = key ? hashOf(callable, fingerprint) : null;
  if (key) {
    const earlier = await findIdempotent(services, callable.principal.tenantId, key);
    if (earlier) return replay<T>(earlier, requestHash as string);
  }
  const subscriptionId = subscribed.subscription.id;
  const reservation = await reserveTokens(services, subscribed.subscription, worst).catch((error: unknown) => {
    services.liveSubscriptions.forget(callable.principal.tenantId, callable.model.id);
    throw error;
  });
  const giveBackAll = { units: worst.input + worst.output, ...reservation.billed };
  const started = Date.now();
  const { result, used: reported } = await runOrCountError(services, subscribed, scope.requestId, started, run, () =>
    releaseTokens(services, subscriptionId, giveBackAll),
  );
  const used = { input: worst.input, output: Math.max(0, Math.min(worst.output, reported.output)) };
  const settled = settleTokens(worst, reservation.billed, used);
  await releaseTokens(services, subscriptionId, settled.giveBack);
  return recordServed(
    services,
    subscribed,
    scope.requestId,
    {
      billing: {
        units: used.input + used.output,
        billedUnits: settled.billed.input + settled.billed.output,
        inputUnits: used.input,
        billedOutputUnits: settled.billed.output,
        amountMicros: tokensAmountMicros(settled.billed, reservation.prices),
      },
      started,
      key,
      requestHash,
      result,
    },
    () => releaseTokens(services, subscriptionId, { units: used.input + used.output, ...settled.billed }),
  );
}

/** The request's scope, marked as holding its one billed call (a second one is refused). */
function claimRequest() {
  const scope = requestScope.getStore();
  if (!scope) throw new Error("billed call outside a request");
  if (scope.billed) {
    throw badInput("One inference call per request: the request id is the call's receipt. Send the others separately.");
  }
  scope.billed = true;
  return scope;
}

/**
 * Whether the call is metered; own use (the publisher calling its own model without a
 * subscription) is not, but is held to OWN_MODEL_CALLS_PER_MINUTE.
 */
async function metered(services: AppServices, callable: CallableVersion): Promise<boolean> {
  if (callable.subscription === null) {
    await services.inferenceRateLimits.consumeOwnUse(
      callable.principal.tenantId,
      services.env.OWN_MODEL_CALLS_PER_MINUTE,
    );
    return false;
  }
  return services.env.METERING !== "off";
}

async function reserveOrForget(services: AppServices, callable: SubscribedCall, units: number) {
  const { principal, subscription } = callable;
  try {
    const reservation = await reserveUnits(services, subscription, units);
    // A period that just rolled over has a new end: read it again next time.
    if (subscription.currentPeriodEnd.getTime() <= Date.now()) {
      services.liveSubscriptions.forget(principal.tenantId, callable.model.id);
    }
    return reservation;
  } catch (error) {
    // The database refused what the cached subscription allowed (canceled, past due,
    // switched): the next call reads it again.
    services.liveSubscriptions.forget(principal.tenantId, callable.model.id);
    throw error;
  }
}

/**
 * Runs the model; a failure is counted as an error for the reports, never billed, and
 * `giveBack` returns what the call reserved before running.
 */
async function runOrCountError<T>(
  services: AppServices,
  callable: SubscribedCall,
  requestId: string,
  started: number,
  run: () => Promise<T>,
  giveBack?: () => Promise<void>,
): Promise<T> {
  // Server-Timing: the request until the model was called (parse, authenticate, resolve,
  // admit), then the model's call (the tier's phases are inside it).
  const admitted = sinceRequestStart();
  addTiming("admit", admitted);
  try {
    const result = await run();
    addTiming("model", sinceRequestStart() - admitted);
    return result;
  } catch (error) {
    await giveBack?.();
    // Not awaited: nothing to guarantee.
    services.usage
      .record({
        ...baseRow(callable, started),
        id: newId("usageEvent"),
        requestId: `${requestId}:error`,
        outcome: "ERROR",
        units: 0,
        billedUnits: 0,
        inputUnits: null,
        billedOutputUnits: 0,
        amountMicros: 0n,
        idempotencyKey: null,
        requestHash: null,
        response: null,
      })
      .catch(() => {});
    throw naming(callable, error);
  }
}

/** A model's own failure names the model and says whose it is (the tier knows only its hash). */
function naming(callable: CallableVersion, error: unknown): unknown {
  if (!(error instanceof AppError) || error.code !== "MODEL_ERROR") return error;
  return new AppError(
    "MODEL_ERROR",
    `Model "${callable.model.slug}" failed while running your input; its publisher has to fix the model (you were not billed). ${error.message}`,
    error.extensions,
  );
}

/** What a served call's usage event bills. */
interface EventBilling {
  units: number;
  billedUnits: number;
  inputUnits: number | null;
  billedOutputUnits: number;
  amountMicros: bigint;
}

/** A call metered per input, served after its reservation: its event, billed at the unit price. */
function recordUnits<T>(
  services: AppServices,
  callable: SubscribedCall,
  requestId: string,
  call: {
    reservation: Reservation;
    started: number;
    units: number;
    key: string | null;
    requestHash: string | null;
    result: T;
  },
): Promise<T> {
  const { reservation, units } = call;
  const billing = {
    units,
    billedUnits: reservation.billedUnits,
    inputUnits: null,
    billedOutputUnits: 0,
    amountMicros: unitsAmountMicros(reservation.billedUnits, reservation.unitPriceMicros),
  };
  return recordServed(services, callable, requestId, { ...call, billing }, () =>
    releaseUnits(services, callable.subscription.id, units),
  );
}

/**
 * The usage event of a call served after its reservation, committed before it answers. When a
 * concurrent retry with the same Idempotency-Key committed first, `giveBack` returns this
 * call's reservation and the caller gets the first result, billed once.
 */
async function recordServed<T>(
  services: AppServices,
  callable: SubscribedCall,
  requestId: string,
  call: { billing: EventBilling; started: number; key: string | null; requestHash: string | null; result: T },
  giveBack: () => Promise<void>,
): Promise<T> {
  const { key } = call;
  const ran = performance.now();
  const inserted = await services.usage.record({
    ...baseRow(callable, call.started),
    id: newId("usageEvent"),
    requestId,
    outcome: "SUCCESS",
    ...call.billing,
    idempotencyKey: key,
    requestHash: call.requestHash,
    response: key ? (call.result as unknown) : null,
  });
  addTiming("commit", performance.now() - ran);
  if (inserted) return call.result;
  await giveBack();
  return replayConcurrent<T>(services, callable.principal.tenantId, key, call.requestHash);
}

/** The answer of a concurrent call with the same Idempotency-Key that committed first. */
async function replayConcurrent<T>(
  services: AppServices,
  tenantId: string,
  key: string | null,
  requestHash: string | null,
): Promise<T> {
  const earlier = key ? await findIdempotent(services, tenantId, key) : null;
  if (earlier) return replay<T>(earlier, requestHash as string);
  throw new Error("usage event neither inserted nor found");
}

function baseRow(callable: SubscribedCall, started: number) {
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
