import { badInput } from "@modelmarket/domain";
import { z } from "zod";
import type { AppServices } from "../../services";
import { Embedding } from "../../tasks/support/answers.type";
import { embedText } from "../../tasks/text-embedding/embed-text";
import { openAiRoute } from "./openai-protocol";
import { parseBody } from "./sampling-body";

const body = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1)]),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  dimensions: z.number().int().nullish(),
  user: z.string().nullish(),
});

/**
 * POST /v1/embeddings for TEXT_EMBEDDING models: one vector per input, as floats or (with
 * `encoding_format: "base64"`, the official clients' default) little-endian float32 bytes.
 * Billed like embedText: one unit per input.
 */
export function embeddingsRoute(services: AppServices) {
  return openAiRoute(services, async (principal, req, res) => {
    const input = parseBody(body, req.body);
    if (input.dimensions != null) {
      // A model's vectors have its own size: refused before the call (never billed), not cut.
      throw badInput("`dimensions` is not offered: each model answers vectors of its own size.", "dimensions");
    }
    const inputs = Array.isArray(input.input) ? input.input : [input.input];
    const rows = await embedText(services, principal, { model: input.model, inputs });
    res.json({
      object: "list",
      model: input.model,
      // base64: the same little-endian float32 bytes as the GraphQL Embedding.base64 field.
      data: rows.map((row, index) => ({
        object: "embedding",
        index,
        embedding: input.encoding_format === "base64" ? Embedding.of(row).base64() : row.values,
      })),
      // Embeddings are billed per input, not per token (docs/openai.md).
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  });
}
