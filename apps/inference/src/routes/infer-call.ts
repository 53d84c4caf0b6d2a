import type { BatchingPolicy, TimingPhases } from "@modelmarket/kserve";
import { InferenceError } from "../inference-error";
import type { WireTensor } from "../tensors";
import type { TierContext } from "./tier-context";

/** One infer call as both transports (the HTTP route, the API's socket) read it. */
export interface InferCall {
  tenant: string;
  /** The model's name: the SHA-256 of its ONNX file (checked by the transport). */
  name: string;
  inputs: WireTensor[];
  outputs?: string[];
  deadlineMs: number;
  weight: number;
  batching?: BatchingPolicy;
  requestId?: string;
  /** How the call came (a metrics label). */
  transport: "http" | "socket";
}

/**
 * Queues the call on the tenant's worker with its deadline, weight and the model's batching
 * policy, and answers its outputs with where the time went in the tier (queue, the worker's
 * round trip, the model's compute) — or refuses it with the tier's InferenceError.
 */
export async function serveInfer(
  ctx: TierContext,
  call: InferCall,
  arrivedAt: number,
): Promise<{ outputs: WireTensor[]; timing: TimingPhases }> {
  const { tenant, name } = call;
  const model = name.slice(0, 12);
  try {
    const reply = await ctx.submitTo(
      tenant,
      { type: "infer", modelPath: ctx.modelPath(name), inputs: call.inputs, outputs: call.outputs },
      { model, deadlineMs: call.deadlineMs, weight: call.weight, batching: call.batching },
    );
    if (reply.type === "error") {
      throw reply.badInput
        ? new InferenceError(400, "BAD_USER_INPUT", reply.message, undefined, reply.runFailed ? "run" : undefined)
        : new InferenceError(502, "MODEL_ERROR", `The model failed while running this input (${reply.message}).`);
    }
    if (reply.type !== "result") throw new Error("unexpected worker reply");
    ctx.metrics.requests.inc({ tenant, model, outcome: "ok", transport: call.transport });
    ctx.logger.debug({ requestId: call.requestId, tenant, model, computeMs: reply.computeMs }, "infer");
    return {
      outputs: reply.outputs,
      timing: [
        ["tier-queue", reply.queueMs ?? 0],
        ["tier-worker", reply.workerMs ?? 0],
        ["tier-compute", reply.computeMs],
        ["tier", performance.now() - arrivedAt],
      ],
    };
  } catch (error) {
    const outcome = error instanceof InferenceError ? error.code : "error";
    ctx.metrics.requests.inc({ tenant, model, outcome, transport: call.transport });
    ctx.logger.info({ requestId: call.requestId, tenant, model, outcome }, "infer refused or failed");
    throw error;
  }
}
