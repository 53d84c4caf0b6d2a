/** The closed list of error codes of the public contract (`extensions.code`). */
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

/** HTTP status used when an error ends a non-GraphQL request (artifact upload). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  QUOTA_EXCEEDED: 402,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  INFERENCE_TIMEOUT: 504,
  UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
  MODEL_ERROR: 502,
};

/**
 * The one error type domain code throws. Its message is safe to show to the caller;
 * `extensions` adds machine-readable details (e.g. `retryAfterMs`, `field`).
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const unauthenticated = (message = "Authentication required: send `Authorization: Bearer <token>`.") =>
  new AppError("UNAUTHENTICATED", message);
export const forbidden = (message: string) => new AppError("FORBIDDEN", message);
export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found.`);
export const badInput = (message: string, field?: string) =>
  new AppError("BAD_USER_INPUT", message, field ? { field } : {});
export const rateLimited = (retryAfterMs: number, message = "Too many requests; retry later.") =>
  new AppError("RATE_LIMITED", message, { retryAfterMs: Math.max(1, Math.ceil(retryAfterMs)) });
export const payloadTooLarge = (message: string, limitBytes?: number) =>
  new AppError("PAYLOAD_TOO_LARGE", message, limitBytes === undefined ? {} : { limitBytes });
