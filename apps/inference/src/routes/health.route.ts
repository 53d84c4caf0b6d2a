import type { Express } from "express";
import { InferenceError } from "../inference-error";
import type { TierGuards } from "./guards";
import type { TierContext } from "./tier-context";

/** Liveness, readiness, the protocol's server metadata, and Prometheus metrics (secret needed). */
export function healthRoutes(app: Express, ctx: TierContext, guards: TierGuards): void {
  app.get("/v2/health/live", (_req, res) => {
    res.json({ live: true });
  });
  app.get("/v2/health/ready", (_req, res) => {
    res.json({ ready: true });
  });
  app.get("/v2", (_req, res) => {
    // Extensions this server implements (the protocol's server metadata).
    res.json({ name: "modelmarket-inference", version: "1", extensions: ["binary_tensor_data"] });
  });
  // Metrics name tenants: scrapers send the shared secret as a bearer token (docs/security.md).
  app.get("/metrics", async (req, res, next) => {
    if (!guards.authenticated(req)) return next(new InferenceError(401, "UNAUTHENTICATED", "Unknown caller."));
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
}
