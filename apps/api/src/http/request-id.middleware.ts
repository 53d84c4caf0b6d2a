import { newId } from "@modelmarket/domain";
import type { RequestHandler } from "express";
import { requestScope } from "../infra/request-context";

/** What an Idempotency-Key may be: 1–200 printable ASCII characters, no spaces. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Gives every HTTP request an id (response header `X-Request-Id`) visible to logs and errors,
 * and checks the `Idempotency-Key` header: a key that breaks the rules is refused (never
 * silently ignored, which would bill a retry twice).
 */
export const requestIdMiddleware: RequestHandler = (req, res, next) => {
  const startedAt = performance.now();
  const requestId = newId("request");
  res.setHeader("X-Request-Id", requestId);
  res.locals.requestId = requestId;
  const key = req.headers["idempotency-key"];
  if (key !== undefined && (typeof key !== "string" || !IDEMPOTENCY_KEY.test(key))) {
    res.status(400).json({
      errors: [
        {
          message:
            "The Idempotency-Key header must be 1 to 200 printable ASCII characters without spaces (for example a UUID).",
          extensions: { code: "BAD_USER_INPUT", field: "Idempotency-Key", requestId },
        },
      ],
      extensions: { requestId },
    });
    return;
  }
  requestScope.run({ requestId, idempotencyKey: key, startedAt }, next);
};
