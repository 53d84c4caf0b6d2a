import { TIER_HEADERS } from "@modelmarket/kserve";
import type { Express, NextFunction, Request, Response } from "express";
import { InferenceError } from "../inference-error";
import type { TierGuards } from "./guards";
import type { TierContext } from "./tier-context";

/** The named model's inputs and outputs, from the tenant's worker (which loads it if cold). */
export async function modelMetadata(ctx: TierContext, req: Request) {
  const name = req.params.name as string;
  const reply = await ctx.submitTo(
    req.headers[TIER_HEADERS.tenant] as string,
    { type: "metadata", modelPath: ctx.modelPath(name) },
    { model: name.slice(0, 12), deadlineMs: ctx.deadlineOf(req) },
  );
  if (reply.type === "error") throw new InferenceError(422, "BAD_USER_INPUT", reply.message);
  if (reply.type !== "metadata") throw new Error("unexpected worker reply");
  return { name, inputs: reply.inputs, outputs: reply.outputs };
}

/** Model metadata and readiness (the protocol's GET /v2/models/:name[/versions/1][/ready]). */
export function modelMetadataRoutes(app: Express, ctx: TierContext, { guard }: TierGuards): void {
  const metadata = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const { name, inputs, outputs } = await modelMetadata(ctx, req);
      res.json({ name, versions: ["1"], platform: "onnxruntime_onnx", inputs, outputs });
    } catch (error) {
      next(error);
    }
  };
  app.get("/v2/models/:name", guard, metadata);
  app.get("/v2/models/:name/versions/:version", guard, metadata);
  // Ready = loaded in this tenant's worker; a cold model loads on its first request.
  // The protocol answers with the status (200 ready, 4xx not): a cold model is not ready until
  // its first inference request has loaded it into the tenant's worker.
  const ready = (req: Request, res: Response) => {
    const worker = ctx.workers.get(req.headers[TIER_HEADERS.tenant] as string);
    const loaded = worker?.isWarm(ctx.modelPath(req.params.name as string)) ?? false;
    res.status(loaded ? 200 : 400).json({ name: req.params.name, ready: loaded });
  };
  app.get("/v2/models/:name/ready", guard, ready);
  app.get("/v2/models/:name/versions/:version/ready", guard, ready);
}
