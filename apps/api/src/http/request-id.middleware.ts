import { newId } from "@modelmarket/domain";
import type { RequestHandler } from "express";
import { requestScope } from "../infra/request-context";

/** Gives every HTTP request an id (response header `X-Request-Id`) visible to logs and errors. */
export const requestIdMiddleware: RequestHandler = (req, res, next) => {
  const requestId = newId("request");
  res.setHeader("X-Request-Id", requestId);
  res.locals.requestId = requestId;
  const key = req.headers["idempotency-key"];
  // Keys are the client's: kept only when printable and short, else ignored.
  const idempotencyKey = typeof key === "string" && /^[\x21-\x7e]{1,200}$/.test(key) ? key : undefined;
  requestScope.run({ requestId, idempotencyKey }, next);
};
