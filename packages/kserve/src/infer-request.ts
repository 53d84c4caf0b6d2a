import { z } from "zod";
import { DATATYPES } from "./wire-tensor";

/**
 * The body of an inference request (the protocol's `$inference_request`), as the tier accepts
 * it after the binary extension has put each binary tensor's values in `data`.
 */
export const inferRequestSchema = z.object({
  id: z.string().optional(),
  parameters: z
    .object({
      binary_data_output: z.boolean().optional(),
      // Checked by the tier against batchingPolicySchema; an unusable policy means no batching.
      batching: z.unknown().optional(),
    })
    .passthrough()
    .optional(),
  inputs: z
    .array(
      z
        .object({
          name: z.string().min(1),
          datatype: z.enum(DATATYPES as [string, ...string[]]),
          shape: z.array(z.number().int().min(0)),
          // Flat or nested like the shape (the protocol allows both).
          data: z.array(z.unknown()),
          parameters: z.record(z.string(), z.unknown()).optional(),
        })
        .passthrough(),
    )
    .min(1),
  outputs: z
    .array(
      z
        .object({
          name: z.string().min(1),
          parameters: z.object({ binary_data: z.boolean().optional() }).passthrough().optional(),
        })
        .passthrough(),
    )
    .optional(),
});

export type InferRequest = z.infer<typeof inferRequestSchema>;

/** The first problem of a body that does not match, as "inputs[0].datatype: …". */
export function describeInferRequestProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "the body is not an inference request";
  const where = issue.path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .replace(/^\./, "");
  return `${where || "body"}: ${issue.message}`;
}
