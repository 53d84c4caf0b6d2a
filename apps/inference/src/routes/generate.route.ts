import fs from "node:fs";
import { type GenerateEvent, generateRequestSchema, TIER_HEADERS } from "@modelmarket/kserve";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { InferenceError } from "../inference-error";
import type { TierGuards } from "./guards";
import type { TierContext } from "./tier-context";
import { deadlineOf, weightOf } from "./tier-headers";

/**
 * Token generation (the protocol's generate extension, in token ids): POST
 * /v2/models/:name/generate answers when done; .../generate_stream streams server-sent events
 * as tokens are chosen. The generation runs in the tenant's worker (continuous batching with
 * its other generations of the model); the deadline or the caller closing the stream stops it
 * at the next step, and the usage counts the tokens produced until then.
 */
export function generateRoutes(app: Express, ctx: TierContext, { guard }: TierGuards): void {
  const start = (req: Request, onToken: (token: number) => void) => {
    const parsed = generateRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
      throw new InferenceError(400, "BAD_USER_INPUT", `Not a generate request: ${why}`);
    }
    const { input_ids, parameters: p } = parsed.data;
    const name = req.params.name as string;
    if (p.encoder_model !== undefined && !fs.existsSync(ctx.modelPath(p.encoder_model))) {
      throw new InferenceError(404, "NOT_FOUND", "Unknown encoder model.");
    }
    const tenant = req.headers[TIER_HEADERS.tenant] as string;
    return ctx.generateOn(
      tenant,
      {
        modelPath: ctx.modelPath(name),
        prompt: input_ids,
        maxTokens: p.max_tokens,
        stopTokens: p.stop_token_ids,
        ...(p.encoder_model !== undefined && p.decoder_start_token_id !== undefined
          ? { seq2seq: { encoderPath: ctx.modelPath(p.encoder_model), decoderStart: p.decoder_start_token_id } }
          : {}),
        sampling: {
          temperature: p.temperature,
          topK: p.top_k,
          topP: p.top_p,
          repetitionPenalty: p.repetition_penalty,
          seed: p.seed,
        },
      },
      {
        model: name.slice(0, 12),
        deadlineMs: deadlineOf(req, ctx.env.INFERENCE_GENERATION_DEADLINE_MS),
        weight: weightOf(req),
      },
      onToken,
    );
  };

  const json = express.json({ limit: "1mb", type: () => true });

  app.post("/v2/models/:name/generate", guard, json, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const tokens: number[] = [];
      const generation = start(req, (t) => tokens.push(t));
      res.on("close", () => {
        if (!res.writableEnded) generation.cancel();
      });
      const outcome = await generation.done;
      res.json({
        model_name: req.params.name,
        token_ids: tokens,
        finish_reason: outcome.reason,
        prompt_tokens: outcome.promptTokens,
        completion_tokens: outcome.completionTokens,
      });
    } catch (error) {
      next(error);
    }
  });

  app.post("/v2/models/:name/generate_stream", guard, json, (req: Request, res: Response, next: NextFunction) => {
    const send = (event: GenerateEvent) => res.write(`data: ${JSON.stringify(event)}\n\n`);
    let generation: ReturnType<typeof start>;
    try {
      generation = start(req, (token) => send({ token_id: token }));
    } catch (error) {
      next(error);
      return;
    }
    res.status(200).setHeader("content-type", "text/event-stream").setHeader("cache-control", "no-store");
    res.flushHeaders();
    // The caller went away: stop at the next step (what was produced stays counted).
    res.on("close", () => {
      if (!res.writableEnded) generation.cancel();
    });
    generation.done.then(
      (outcome) => {
        send({
          finish_reason: outcome.reason,
          prompt_tokens: outcome.promptTokens,
          completion_tokens: outcome.completionTokens,
        });
        res.end();
      },
      (error: unknown) => {
        const e =
          error instanceof InferenceError ? error : new InferenceError(500, "INTERNAL_SERVER_ERROR", "Internal error.");
        send({ error: e.message, code: e.code, ...(e.retryAfterMs ? { retryAfterMs: e.retryAfterMs } : {}) });
        res.end();
      },
    );
  });
}
