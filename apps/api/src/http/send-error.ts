import { AppError, HTTP_STATUS } from "@modelmarket/domain";
import type { Response } from "express";
import type { Logger } from "../infra/logger";

/** JSON error body of the REST routes: `{ error: { code, message, requestId, ... } }`. */
export function sendError(res: Response, logger: Logger, error: unknown): void {
  const requestId = res.locals.requestId as string | undefined;
  if (error instanceof AppError) {
    res.status(HTTP_STATUS[error.code]).json({
      error: { code: error.code, message: error.message, requestId, ...error.extensions },
    });
    return;
  }
  logger.error({ err: error }, "unexpected error");
  res.status(500).json({
    error: {
      code: "INTERNAL_SERVER_ERROR",
      message: `Internal server error; quote request id ${requestId} when reporting it.`,
      requestId,
    },
  });
}
