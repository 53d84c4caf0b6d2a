import { AsyncLocalStorage } from "node:async_hooks";
import type { TimingPhases } from "@modelmarket/kserve";

/** Per-request values available anywhere below the HTTP handler (logs, error formatting). */
export interface RequestScope {
  requestId: string;
  /** The client's `Idempotency-Key` header: a retried inference call is not billed twice. */
  idempotencyKey?: string;
  /** Set by the request's one billed inference call (billed-call.ts). */
  billed?: boolean;
  /** Set when this request replayed an earlier call (same Idempotency-Key): that call's request id. */
  replayOf?: string;
  /** What the caller should know about this answer (a deprecated version, an unpublished model). */
  notices?: string[];
  /** performance.now() when the request arrived: the origin of its Server-Timing phases. */
  startedAt?: number;
  /** Where an inference call's time went (billed-call.ts, inference-client.ts): its Server-Timing header. */
  timing?: TimingPhases;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}

/** Adds a notice to the current answer's `extensions.notices`. */
export function addNotice(notice: string): void {
  const scope = requestScope.getStore();
  if (!scope) return;
  scope.notices ??= [];
  if (!scope.notices.includes(notice)) scope.notices.push(notice);
}

/** Adds a phase (ms) to the current answer's Server-Timing header. */
export function addTiming(name: string, ms: number): void {
  const scope = requestScope.getStore();
  if (!scope) return;
  scope.timing ??= [];
  scope.timing.push([name, ms]);
}

/** Milliseconds since the current request arrived (0 outside a request). */
export function sinceRequestStart(): number {
  const started = requestScope.getStore()?.startedAt;
  return started === undefined ? 0 : performance.now() - started;
}
