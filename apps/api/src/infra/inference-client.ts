import http from "node:http";
import https from "node:https";
import { AppError } from "@modelmarket/domain";
import {
  type BatchingPolicy,
  decodeBinaryBody,
  encodeBinaryBody,
  type GenerateEvent,
  type GenerateRequest,
  HEADER_LENGTH,
  parseServerTiming,
  type ReplyFrame,
  TIER_HEADERS,
  type WireTensor,
} from "@modelmarket/kserve";
import { addTiming, currentRequestId } from "./request-context";
import type { TierSocketClient } from "./tier-socket-client";

export type { BatchingPolicy, WireTensor } from "@modelmarket/kserve";

export interface InferOptions {
  /** The caller's scheduling weight in the tier (by plan: 1 free, 2 paid). */
  weight?: number;
  batching?: BatchingPolicy | null;
}

/** How a generation ended (the tier's last generate_stream event). */
export interface GenerateOutcome {
  finishReason: "stop" | "length" | "cancelled" | "timeout";
  promptTokens: number;
  completionTokens: number;
}

export interface GenerateOptions {
  weight?: number;
  /** Longest the generation may run (the tier caps it with INFERENCE_GENERATION_DEADLINE_MS). */
  deadlineMs: number;
  /** Each token id as the tier streams it. */
  onToken(token: number): void;
  /** Aborting closes the stream: the tier stops the generation at its next step. */
  signal?: AbortSignal;
}

/** The inference tier as the API sees it (apps/inference: KServe v2 over HTTP, and its socket). */
export interface InferenceClient {
  infer(tenantId: string, modelSha256: string, inputs: WireTensor[], options?: InferOptions): Promise<WireTensor[]>;
  /** A generation streamed from the tier's generate extension (token ids in, token ids out). */
  generate(
    tenantId: string,
    modelSha256: string,
    request: GenerateRequest,
    options: GenerateOptions,
  ): Promise<GenerateOutcome>;
}

/**
 * Client of the tier: KServe v2 over HTTP, and for the shared pool's infer calls the tier's
 * socket when it runs on this machine (INFERENCE_SOCKET, tier-socket-client.ts). The tier's
 * refusals keep their meaning: a full queue stays RATE_LIMITED with its retry hint, a deadline
 * INFERENCE_TIMEOUT, a crashed or unreachable worker UNAVAILABLE.
 */
export class TierInferenceClient implements InferenceClient {
  constructor(
    /** The endpoint of the pool serving a tenant (TenantRouter.endpointFor). */
    private readonly endpointFor: (tenantId: string) => Promise<string>,
    private readonly secret: string,
    private readonly deadlineMs: number,
    /** The shared pool's socket: calls routed to `url` go over it. */
    private readonly socket: { url: string; client: TierSocketClient } | null = null,
  ) {}

  async infer(
    tenantId: string,
    modelSha256: string,
    inputs: WireTensor[],
    options: InferOptions = {},
  ): Promise<WireTensor[]> {
    const baseUrl = await this.endpointFor(tenantId);
    const sent = performance.now();
    if (this.socket && baseUrl === this.socket.url) {
      return this.inferOverSocket(this.socket.client, tenantId, modelSha256, inputs, options, sent);
    }
    // Tensors travel in binary both ways (the protocol's binary tensor extension): encoding
    // and parsing thousands of floats as JSON text cost more CPU than the model run.
    const request = encodeBinaryBody(
      { parameters: { binary_data_output: true, ...(options.batching ? { batching: options.batching } : {}) } },
      "inputs",
      inputs,
      (t) => t.datatype !== "BYTES",
    );
    let res: { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
    try {
      res = await post(
        `${baseUrl}/v2/models/${modelSha256}/versions/1/infer`,
        {
          "content-type": "application/octet-stream",
          [HEADER_LENGTH]: String(request.headerLength),
          authorization: `Bearer ${this.secret}`,
          [TIER_HEADERS.tenant]: tenantId,
          [TIER_HEADERS.deadlineMs]: String(this.deadlineMs),
          [TIER_HEADERS.weight]: String(options.weight ?? 1),
          // The tier logs under the API's request id, so one id follows a call end to end.
          [TIER_HEADERS.requestId]: currentRequestId() ?? "",
        },
        request.body,
        // The tier enforces the deadline; this only guards against a tier that hangs.
        this.deadlineMs + 2_000,
      );
    } catch {
      throw tierUnreachable();
    }
    const body = parseBody(res) as {
      outputs?: WireTensor[];
      error?: string;
      code?: string;
      failedIn?: string;
      retryAfterMs?: number;
    };
    const ok = res.status >= 200 && res.status < 300;
    if (ok && body.outputs) {
      noteTierTiming(parseServerTiming(res.headers["server-timing"]), sent);
      return body.outputs;
    }
    throw tierError(res.status, body);
  }

  private async inferOverSocket(
    client: TierSocketClient,
    tenantId: string,
    modelSha256: string,
    inputs: WireTensor[],
    options: InferOptions,
    sent: number,
  ): Promise<WireTensor[]> {
    let reply: ReplyFrame;
    try {
      reply = await client.call(
        {
          op: "infer",
          tenant: tenantId,
          model: modelSha256,
          deadlineMs: this.deadlineMs,
          weight: options.weight ?? 1,
          requestId: currentRequestId() ?? "",
          ...(options.batching ? { batching: options.batching } : {}),
        },
        inputs,
        // The tier enforces the deadline; this only guards against a tier that hangs.
        this.deadlineMs + 2_000,
      );
    } catch {
      throw tierUnreachable();
    }
    // A refusal has a status (every frame has an outputs list, empty in a refusal).
    if ("status" in reply) throw tierError(reply.status, reply);
    noteTierTiming(reply.timing, sent);
    return reply.outputs;
  }

  async generate(
    tenantId: string,
    modelSha256: string,
    request: GenerateRequest,
    options: GenerateOptions,
  ): Promise<GenerateOutcome> {
    const baseUrl = await this.endpointFor(tenantId);
    const target = new URL(`${baseUrl}/v2/models/${modelSha256}/generate_stream`);
    const transport = target.protocol === "https:" ? https : http;
    const body = Buffer.from(JSON.stringify(request));
    return new Promise<GenerateOutcome>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: GenerateOutcome | Error) => {
        if (settled) return;
        settled = true;
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const req = transport.request(
        target,
        {
          method: "POST",
          agent: agents[target.protocol as keyof typeof agents],
          headers: {
            "content-type": "application/json",
            "content-length": body.length,
            authorization: `Bearer ${this.secret}`,
            [TIER_HEADERS.tenant]: tenantId,
            [TIER_HEADERS.deadlineMs]: String(options.deadlineMs),
            [TIER_HEADERS.weight]: String(options.weight ?? 1),
            [TIER_HEADERS.requestId]: currentRequestId() ?? "",
          },
        },
        (res) => {
          if (res.statusCode !== 200) {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
              const parsed = parseBody({ headers: res.headers, body: Buffer.concat(chunks) }) as TierError;
              finish(tierError(res.statusCode ?? 0, parsed));
            });
            return;
          }
          let buffered = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            buffered += chunk;
            let end = buffered.indexOf("\n\n");
            while (end >= 0) {
              const line = buffered.slice(0, end);
              buffered = buffered.slice(end + 2);
              end = buffered.indexOf("\n\n");
              if (!line.startsWith("data: ")) continue;
              const event = JSON.parse(line.slice(6)) as GenerateEvent;
              if ("token_id" in event) options.onToken(event.token_id);
              else if ("finish_reason" in event) {
                finish({
                  finishReason: event.finish_reason,
                  promptTokens: event.prompt_tokens,
                  completionTokens: event.completion_tokens,
                });
              } else {
                const status = { RATE_LIMITED: 429, INFERENCE_TIMEOUT: 504, UNAVAILABLE: 503 }[event.code] ?? 502;
                finish(tierError(status, { error: event.error, code: event.code, retryAfterMs: event.retryAfterMs }));
              }
            }
          });
          res.on("end", () => finish(new AppError("UNAVAILABLE", "The generation stream ended early; retry.")));
          res.on("error", () => finish(new AppError("UNAVAILABLE", "The generation stream broke; retry.")));
        },
      );
      req.on("error", () => finish(tierUnreachable()));
      options.signal?.addEventListener("abort", () => req.destroy(), { once: true });
      req.end(body);
    });
  }
}

/**
 * Pooled keep-alive sockets to the tier. `fetch` cost ~0.9 ms of CPU per call here (its
 * streams and Headers objects); a plain `http.request` on a keep-alive agent costs a fraction.
 * maxSockets bounds the connections per tier endpoint; calls past it queue in the agent.
 */
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: "lifo" }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 256, scheduling: "lifo" }),
};

function post(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  timeoutMs: number,
  retried = false,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const target = new URL(url);
  const transport = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      {
        method: "POST",
        agent: agents[target.protocol as keyof typeof agents],
        headers: { ...headers, "content-length": body.length },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => {
      // An idle keep-alive socket the tier closed just as this request went out: the tier
      // never saw it, so it is sent once more on a fresh socket (Node's documented remedy).
      if (!retried && req.reusedSocket && error.code === "ECONNRESET") {
        post(url, headers, body, timeoutMs, true).then(resolve, reject);
      } else reject(error);
    });
    req.end(body);
  });
}

/** A call that never reached the tier (or lost it on the way): retry shortly. */
function tierUnreachable(): AppError {
  return new AppError("UNAVAILABLE", "The inference tier is unreachable; retry shortly.", { retryAfterMs: 1_000 });
}

/**
 * The tier's phases of a served call, and the whole round trip since `sent` (their difference
 * is the hop's own cost), into the answer's Server-Timing.
 */
function noteTierTiming(phases: Array<[string, number]>, sent: number): void {
  for (const [name, ms] of phases) addTiming(name, ms);
  addTiming("tier-call", performance.now() - sent);
}

/** The tier's answer: binary outputs when it sent a header length, JSON otherwise (errors). */
function parseBody(res: { headers: http.IncomingHttpHeaders; body: Buffer }): unknown {
  try {
    const headerLength = res.headers[HEADER_LENGTH];
    if (typeof headerLength === "string") return decodeBinaryBody(res.body, Number(headerLength), "outputs");
    return JSON.parse(res.body.toString("utf8"));
  } catch {
    return {};
  }
}

type TierError = { error?: string; code?: string; failedIn?: string; retryAfterMs?: number };

/** The tier's refusal as the API's error: the meaning (and retry hint) kept. */
function tierError(status: number, body: TierError): Error {
  const retry = body.retryAfterMs ? { retryAfterMs: body.retryAfterMs } : {};
  switch (status) {
    case 429:
      return new AppError("RATE_LIMITED", body.error ?? "The model is busy; retry later.", retry);
    case 504:
      return new AppError("INFERENCE_TIMEOUT", body.error ?? "The model did not answer in time.");
    case 400:
      // The API built the tensors to the model's checked convention: a run that refuses them
      // is the model's failure, not the caller's.
      if (body.failedIn === "run") {
        return new AppError("MODEL_ERROR", `The model failed while running this input (${body.error}).`);
      }
      return new AppError("BAD_USER_INPUT", body.error ?? "The model refused the input.");
    case 502:
      // The tier's MODEL_ERROR: billedCall names the model (the tier only knows its hash).
      return new AppError("MODEL_ERROR", body.error ?? "The model failed while running this input.");
    case 503:
      return new AppError("UNAVAILABLE", body.error ?? "The model is unavailable; retry shortly.", retry);
    default:
      return new Error(`inference tier answered ${status}: ${body.error ?? "no message"}`);
  }
}
