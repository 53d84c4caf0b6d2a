import { AppError, type ErrorCode, HTTP_STATUS } from "@modelmarket/domain";
import type { Request, Response } from "express";
import type { Principal } from "../../auth/principal";
import { requireScope } from "../../auth/require-scope";
import { currentRequestId } from "../../infra/request-context";
import type { AppServices } from "../../services";

/**
 * What the OpenAI-compatible routes share: the same API keys and `inference` scope as GraphQL,
 * the caller's tenant admission (as @Admitted), OpenAI's error body (`{ error: { message,
 * type, param, code } }`, with the contract's code as `code`), and server-sent events.
 */
const ERROR_TYPES: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: "authentication_error",
  FORBIDDEN: "permission_error",
  NOT_FOUND: "invalid_request_error",
  BAD_USER_INPUT: "invalid_request_error",
  PAYLOAD_TOO_LARGE: "invalid_request_error",
  QUOTA_EXCEEDED: "insufficient_quota",
  RATE_LIMITED: "rate_limit_error",
};

export function sendOpenAiError(res: Response, services: AppServices, error: unknown): void {
  const known = error instanceof AppError ? error : null;
  if (!known) services.logger.error({ err: error }, "unexpected error");
  const code: ErrorCode = known?.code ?? "INTERNAL_SERVER_ERROR";
  const retryAfterMs = known?.extensions.retryAfterMs;
  if (typeof retryAfterMs === "number") res.setHeader("Retry-After", String(Math.ceil(retryAfterMs / 1000)));
  const body = {
    error: {
      message: known?.message ?? `Internal error; quote request id ${currentRequestId() ?? "-"}.`,
      type: ERROR_TYPES[code] ?? "api_error",
      param: typeof known?.extensions.field === "string" ? known.extensions.field : null,
      code,
    },
  };
  if (res.headersSent) {
    // Mid-stream: the error is the stream's last event.
    res.write(`data: ${JSON.stringify(body)}\n\n`);
    res.end();
    return;
  }
  res.status(HTTP_STATUS[code]).json(body);
}

/**
 * A route of the surface: the caller (an API key or session with the `inference` scope) is
 * admitted like a GraphQL call for the whole answer (a stream included); any error is
 * answered in OpenAI's shape.
 */
export function openAiRoute(
  services: AppServices,
  handle: (principal: Principal, req: Request, res: Response) => Promise<void>,
) {
  return async (req: Request, res: Response) => {
    let release = () => {};
    try {
      const principal = requireScope(await services.authenticator.authenticate(req.headers.authorization), "inference");
      release = await services.admission.acquire(principal.tenantId);
      await handle(principal, req, res);
    } catch (error) {
      sendOpenAiError(res, services, error);
    } finally {
      release();
    }
  };
}

/** Starts a server-sent event stream; `send` writes one `data:` event, `done` the final [DONE]. */
export function eventStream(res: Response) {
  res.status(200);
  res.setHeader("content-type", "text/event-stream; charset=utf-8");
  res.setHeader("cache-control", "no-store");
  res.setHeader("x-accel-buffering", "no");
  res.flushHeaders();
  return {
    send: (event: unknown) => res.write(`data: ${JSON.stringify(event)}\n\n`),
    done: () => {
      res.write("data: [DONE]\n\n");
      res.end();
    },
  };
}

/** Aborted when the client goes away before the answer is complete. */
export function clientGone(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableEnded) controller.abort();
  });
  return controller.signal;
}

/** OpenAI's finish reasons: a deadline that cut the answer reads as `length`. */
export function openAiFinish(reason: string): "stop" | "length" {
  return reason === "stop" ? "stop" : "length";
}

export const created = () => Math.floor(Date.now() / 1000);
