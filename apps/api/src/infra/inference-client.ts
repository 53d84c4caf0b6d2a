import { AppError } from "@modelmarket/domain";
import { currentRequestId } from "./request-context";

export interface WireTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: (number | string | boolean)[];
}

/** How the tier may batch a model's requests (apps/inference/src/batching.ts). */
export interface BatchingPolicy {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  padSequences: boolean;
}

export interface InferOptions {
  /** The caller's scheduling weight in the tier (by plan: 1 free, 2 paid). */
  weight?: number;
  batching?: BatchingPolicy | null;
}

/** The inference tier as the API sees it (apps/inference speaks KServe v2 over HTTP). */
export interface InferenceClient {
  infer(tenantId: string, modelSha256: string, inputs: WireTensor[], options?: InferOptions): Promise<WireTensor[]>;
}

/**
 * HTTP client of the tier. The tier's refusals keep their meaning: a full queue stays
 * RATE_LIMITED with its retry hint, a deadline INFERENCE_TIMEOUT, a crashed or unreachable
 * worker UNAVAILABLE.
 */
export class HttpInferenceClient implements InferenceClient {
  constructor(
    /** The endpoint of the pool serving a tenant (TenantRouter.endpointFor). */
    private readonly endpointFor: (tenantId: string) => Promise<string>,
    private readonly secret: string,
    private readonly deadlineMs: number,
  ) {}

  async infer(
    tenantId: string,
    modelSha256: string,
    inputs: WireTensor[],
    options: InferOptions = {},
  ): Promise<WireTensor[]> {
    const baseUrl = await this.endpointFor(tenantId);
    let res: Response;
    try {
      res = await fetch(`${baseUrl}/v2/models/${modelSha256}/versions/1/infer`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${this.secret}`,
          "x-tenant-id": tenantId,
          "x-deadline-ms": String(this.deadlineMs),
          "x-tenant-weight": String(options.weight ?? 1),
          // The tier logs under the API's request id, so one id follows a call end to end.
          "x-request-id": currentRequestId() ?? "",
        },
        body: JSON.stringify({ inputs, parameters: options.batching ? { batching: options.batching } : undefined }),
        // The tier enforces the deadline; this only guards against a tier that hangs.
        signal: AbortSignal.timeout(this.deadlineMs + 2_000),
      });
    } catch {
      throw new AppError("UNAVAILABLE", "The inference tier is unreachable; retry shortly.", { retryAfterMs: 1_000 });
    }
    const body = (await res.json().catch(() => ({}))) as {
      outputs?: WireTensor[];
      error?: string;
      code?: string;
      retryAfterMs?: number;
    };
    if (res.ok && body.outputs) return body.outputs;
    const retry = body.retryAfterMs ? { retryAfterMs: body.retryAfterMs } : {};
    switch (res.status) {
      case 429:
        throw new AppError("RATE_LIMITED", body.error ?? "The model is busy; retry later.", retry);
      case 504:
        throw new AppError("INFERENCE_TIMEOUT", body.error ?? "The model did not answer in time.");
      case 400:
        throw new AppError("BAD_USER_INPUT", body.error ?? "The model refused the input.");
      case 503:
        throw new AppError("UNAVAILABLE", body.error ?? "The model is unavailable; retry shortly.", retry);
      default:
        throw new Error(`inference tier answered ${res.status}: ${body.error ?? "no message"}`);
    }
  }
}
