import { AsyncLocalStorage } from "node:async_hooks";

/** Per-request values available anywhere below the HTTP handler (logs, error formatting). */
export interface RequestScope {
  requestId: string;
  /** The client's `Idempotency-Key` header: a retried inference call is not billed twice. */
  idempotencyKey?: string;
  /** Set by the request's one billed inference call (billed-call.ts). */
  billed?: boolean;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}
