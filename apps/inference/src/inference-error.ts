import type { ErrorCode } from "@modelmarket/domain";

/** A refusal the tier answers with: HTTP status, contract code, message, retry hint. */
export class InferenceError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
    /** "run": the model itself failed on the input (onnxruntime's run), not the protocol. */
    readonly failedIn?: "run",
  ) {
    super(message);
  }
}
