import crypto from "node:crypto";
import fs from "node:fs";
import { TIER_HEADERS } from "@modelmarket/kserve";
import type { NextFunction, Request, Response } from "express";
import { InferenceError } from "../inference-error";
import type { TierContext } from "./tier-context";

const MODEL_NAME = /^[0-9a-f]{64}$/;
const TENANT_ID = /^tnt_[0-9a-z]{26}$/;

export type Middleware = (req: Request, res: Response, next: NextFunction) => void;

/**
 * Only the API may call the tier: every model route needs the shared secret, and the tenant
 * comes from the `X-Tenant-Id` header the API sets, never from the body.
 */
export function tierGuards(ctx: TierContext) {
  const expected = crypto.createHash("sha256").update(ctx.env.sharedSecret).digest();
  const secretMatches = (token: string) =>
    crypto.timingSafeEqual(crypto.createHash("sha256").update(token).digest(), expected);
  const authenticated = (req: Request) =>
    secretMatches(/^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "");
  const tenantProblem = (tenant: unknown) =>
    typeof tenant !== "string" || !TENANT_ID.test(tenant)
      ? new InferenceError(400, "BAD_USER_INPUT", "X-Tenant-Id must be a tenant id.")
      : null;
  // Stored models are never removed (content-addressed): one found stays found, so the file
  // system is asked once per model, not once per call.
  const stored = new Set<string>();
  const isStored = (name: string) => {
    if (stored.has(name)) return true;
    if (!fs.existsSync(ctx.modelPath(name))) return false;
    if (stored.size >= 100_000) stored.clear();
    stored.add(name);
    return true;
  };
  const modelProblem = (name: unknown) =>
    typeof name !== "string" || !MODEL_NAME.test(name) || !isStored(name)
      ? new InferenceError(404, "NOT_FOUND", "Unknown model.")
      : null;
  /** What is wrong with a call for `tenant` of model `name` (null: nothing): the socket's check. */
  const callProblem = (tenant: unknown, name: unknown) => tenantProblem(tenant) ?? modelProblem(name);
  /** The shared secret and the tenant the call is for. */
  const callerGuard: Middleware = (req, _res, next) => {
    if (!authenticated(req)) return next(new InferenceError(401, "UNAUTHENTICATED", "Unknown caller."));
    next(tenantProblem(req.headers[TIER_HEADERS.tenant]) ?? undefined);
  };
  const modelGuard: Middleware = (req, _res, next) => {
    if (req.params.version !== undefined && req.params.version !== "1") {
      return next(
        new InferenceError(404, "NOT_FOUND", "Unknown model version (content-addressed models have version 1)."),
      );
    }
    next(modelProblem(req.params.name) ?? undefined);
  };
  /** callerGuard, then the named model (and version) exist. */
  const guard: Middleware = (req, res, next) =>
    callerGuard(req, res, (error?: unknown) => (error ? next(error) : modelGuard(req, res, next)));
  return { authenticated, secretMatches, callProblem, callerGuard, guard };
}

export type TierGuards = ReturnType<typeof tierGuards>;
