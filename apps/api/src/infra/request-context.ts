import { AsyncLocalStorage } from "node:async_hooks";

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
