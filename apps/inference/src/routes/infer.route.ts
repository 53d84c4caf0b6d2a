import {
  type BatchingPolicy,
  batchingPolicySchema,
  decodeBinaryBody,
  describeInferRequestProblem,
  encodeBinaryBody,
  formatServerTiming,
  HEADER_LENGTH,
  type InferRequest,
  inferRequestSchema,
  TIER_HEADERS,
} from "@modelmarket/kserve";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { InferenceError } from "../inference-error";
import { checkWireTensor, type WireTensor } from "../tensors";
import type { TierGuards } from "./guards";
import { serveInfer } from "./infer-call";
import type { TierContext } from "./tier-context";
import { weightOf } from "./tier-headers";

/**
 * Inference (POST /v2/models/:name[/versions/1]/infer): a JSON body or the binary tensor
 * extension, checked, queued on the tenant's worker with the caller's deadline, weight and the
 * model's batching policy, answered in JSON or binary as asked.
 */
export function inferRoutes(app: Express, ctx: TierContext, { guard }: TierGuards): void {
  const infer = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const parsed = inferRequestSchema.safeParse(req.body);
      if (!parsed.success) {
        throw new InferenceError(
          400,
          "BAD_USER_INPUT",
          `Not an inference request: ${describeInferRequestProblem(parsed.error)}`,
        );
      }
      const body = parsed.data;
      let inputs: ReturnType<typeof checkWireTensor>[];
      try {
        inputs = body.inputs.map(checkWireTensor);
      } catch (error) {
        throw new InferenceError(400, "BAD_USER_INPUT", (error as Error).message);
      }
      const name = req.params.name as string;
      const served = await serveInfer(
        ctx,
        {
          tenant: req.headers[TIER_HEADERS.tenant] as string,
          name,
          inputs,
          outputs: body.outputs?.map((o) => o.name),
          deadlineMs: ctx.deadlineOf(req),
          weight: weightOf(req),
          batching: batchingOf(body.parameters?.batching),
          requestId: req.headers[TIER_HEADERS.requestId] as string | undefined,
          transport: "http",
        },
        res.locals.arrivedAt as number,
      );
      // Where the call's time went in the tier; the API passes it on to its caller.
      res.setHeader("server-timing", formatServerTiming(served.timing));
      sendInferResponse(res, body, { id: body.id, model_name: name, model_version: "1" }, served.outputs);
    } catch (error) {
      next(error);
    }
  };
  app.post("/v2/models/:name/infer", guard, readInferBody, infer);
  app.post("/v2/models/:name/versions/:version/infer", guard, readInferBody, infer);
}

/** The model's batching policy, sent by the API in the request's `parameters`; unusable = none. */
export function batchingOf(value: unknown): BatchingPolicy | undefined {
  const parsed = batchingPolicySchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const jsonBody = express.json({ limit: "64mb", type: () => true });
const rawBody = express.raw({ limit: "64mb", type: () => true });

/**
 * The request body: JSON, or with the binary tensor extension a JSON header of
 * Inference-Header-Content-Length bytes followed by the inputs' raw bytes.
 */
function readInferBody(req: Request, res: Response, next: NextFunction): void {
  res.locals.arrivedAt = performance.now();
  const headerLength = req.headers[HEADER_LENGTH];
  if (headerLength === undefined) {
    jsonBody(req, res, next);
    return;
  }
  rawBody(req, res, (error?: unknown) => {
    if (error) {
      next(error);
      return;
    }
    try {
      req.body = decodeBinaryBody(req.body as Buffer, Number(headerLength), "inputs");
      next();
    } catch (cause) {
      next(new InferenceError(400, "BAD_USER_INPUT", `Binary tensor request: ${(cause as Error).message}`));
    }
  });
}

/**
 * Outputs in JSON, or in binary where the request asked: `parameters.binary_data_output`
 * for all, `binary_data` on a requested output for that one.
 */
function sendInferResponse(
  res: Response,
  body: InferRequest,
  header: Record<string, unknown>,
  outputs: WireTensor[],
): void {
  const all = body.parameters?.binary_data_output === true;
  const asked = new Set((body.outputs ?? []).filter((o) => o.parameters?.binary_data === true).map((o) => o.name));
  if (!all && asked.size === 0) {
    res.json({ ...header, outputs });
    return;
  }
  const encoded = encodeBinaryBody(header, "outputs", outputs, (t) => all || asked.has(t.name));
  res.setHeader(HEADER_LENGTH, String(encoded.headerLength));
  res.type("application/octet-stream").send(encoded.body);
}
