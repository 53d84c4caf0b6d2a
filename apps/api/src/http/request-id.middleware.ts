import { newId } from "@modelmarket/domain";
import type { RequestHandler } from "express";
import { requestScope } from "../infra/request-context";

/** Gives every HTTP request an id (response header `X-Request-Id`) visible to logs and errors. */
export const requestIdMiddleware: RequestHandler = (_req, res, next) => {
  const requestId = newId("request");
  res.setHeader("X-Request-Id", requestId);
  res.locals.requestId = requestId;
  requestScope.run({ requestId }, next);
};
