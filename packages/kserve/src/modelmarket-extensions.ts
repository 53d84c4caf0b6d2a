import { z } from "zod";

/**
 * What the API adds to the protocol when it calls the tier: who the call is for, how long it
 * may take, its share of compute, and the request id that follows it end to end.
 */
export const TIER_HEADERS = {
  tenant: "x-tenant-id",
  deadlineMs: "x-deadline-ms",
  weight: "x-tenant-weight",
  requestId: "x-request-id",
} as const;

/**
 * Dynamic batching policy of a model (Triton's dynamic_batcher), sent by the API in the infer
 * request's `parameters.batching`: requests for the same model waiting in a tenant's queue run
 * as one session.run of up to `maxBatchSize` rows; an idle queue waits at most
 * `maxQueueDelayMs` for company. `padSequences` lets rank-2 int64 inputs of different lengths
 * join by zero-padding their second axis (text models: ids and masks, where 0 is padding).
 */
export interface BatchingPolicy {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  padSequences: boolean;
}

export const batchingPolicySchema = z.object({
  maxBatchSize: z.number().int().min(2).max(256),
  maxQueueDelayMs: z.number().min(0).max(100).default(0),
  padSequences: z.boolean().default(false),
});
