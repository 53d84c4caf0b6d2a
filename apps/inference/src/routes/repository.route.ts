import path from "node:path";
import { TIER_HEADERS } from "@modelmarket/kserve";
import express, { type Express } from "express";
import { InferenceError } from "../inference-error";
import type { TierGuards } from "./guards";
import { modelMetadata } from "./model-metadata.route";
import type { TierContext } from "./tier-context";

/**
 * The model repository extension, for the calling tenant: the index lists the models loaded
 * in its worker (READY; any stored model can be loaded by name), and load warms a model ahead
 * of its first call, answering once it is loaded. Unloading is not offered: a tenant's models
 * leave its worker when the worker's session cache needs the room (INFERENCE_SESSION_CACHE_BYTES).
 */
export function repositoryRoutes(app: Express, ctx: TierContext, { guard, callerGuard }: TierGuards): void {
  app.post("/v2/repository/index", callerGuard, express.json({ limit: "4kb" }), (req, res) => {
    const worker = ctx.workers.get(req.headers[TIER_HEADERS.tenant] as string);
    const names = (worker?.warmModels() ?? []).map((file) => path.basename(file)).sort();
    res.json(names.map((name) => ({ name, version: "1", state: "READY", reason: "" })));
  });
  app.post("/v2/repository/models/:name/load", guard, async (req, res, next) => {
    try {
      await modelMetadata(ctx, req);
      res.json({});
    } catch (error) {
      next(error);
    }
  });
  app.post("/v2/repository/models/:name/unload", guard, (_req, _res, next) => {
    next(
      new InferenceError(
        400,
        "BAD_USER_INPUT",
        "Unloading is not offered: a tenant's models leave its worker when its session cache needs the room.",
      ),
    );
  });
}
