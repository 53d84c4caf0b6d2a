import { AsyncLocalStorage } from "node:async_hooks";

/** Per-request values available anywhere below the HTTP handler (logs, error formatting). */
export interface RequestScope {
  requestId: string;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}
