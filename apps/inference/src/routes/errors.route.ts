import type { Express, NextFunction, Request, Response } from "express";
import { InferenceError } from "../inference-error";
import type { TierContext } from "./tier-context";

/** Unknown paths and every error as the protocol's JSON error (code, message, retry hint). Last. */
export function errorRoutes(app: Express, ctx: TierContext): void {
  // Anything else is the protocol's JSON error, not an HTML page.
  app.use((_req: Request, _res: Response, next: NextFunction) => {
    next(new InferenceError(404, "NOT_FOUND", "No such endpoint of the inference protocol."));
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof InferenceError) {
      if (error.retryAfterMs) res.setHeader("Retry-After", String(Math.ceil(error.retryAfterMs / 1000)));
      res.status(error.status).json({
        error: error.message,
        code: error.code,
        retryAfterMs: error.retryAfterMs,
        ...(error.failedIn ? { failedIn: error.failedIn } : {}),
      });
      return;
    }
    const tooLarge = (error as { type?: string })?.type === "entity.too.large";
    if (tooLarge) {
      res.status(413).json({ error: "Request body too large.", code: "PAYLOAD_TOO_LARGE" });
      return;
    }
    if ((error as { type?: string })?.type === "entity.parse.failed") {
      res.status(400).json({ error: "Body is not valid JSON.", code: "BAD_USER_INPUT" });
      return;
    }
    ctx.logger.error({ err: error }, "unexpected error");
    res.status(500).json({ error: "Internal error.", code: "INTERNAL_SERVER_ERROR" });
  });
}
