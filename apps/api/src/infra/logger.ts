import pino from "pino";
import { currentRequestId } from "./request-context";

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "api" },
    // Every line written while serving a request carries its id.
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
    redact: ["req.headers.authorization", "*.password", "*.secret"],
  });
}
