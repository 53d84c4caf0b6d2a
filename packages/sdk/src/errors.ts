/**
 * Every `extensions.code` the API answers with (the contract's closed list; README "Using the
 * API"). errors.test.ts keeps it equal to the server's list.
 */
export const ERROR_CODES = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "BAD_USER_INPUT",
  "QUOTA_EXCEEDED",
  "RATE_LIMITED",
  "PAYLOAD_TOO_LARGE",
  "INFERENCE_TIMEOUT",
  "UNAVAILABLE",
  "INTERNAL_SERVER_ERROR",
  // A published model failed while running a well-formed input (its graph, not the caller):
  // the message names the model; the publisher's to fix, not worth retrying.
  "MODEL_ERROR",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes worth retrying (after `retryAfterMs` when given), with the same Idempotency-Key for calls. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set(["RATE_LIMITED", "UNAVAILABLE", "INFERENCE_TIMEOUT"]);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}
