import { z } from "zod";

/**
 * The tier's generate extension (after Triton's `generate` / `generate_stream`), in token ids:
 * the API tokenizes and detokenizes (it holds the tokenizer assets); the tier runs the decode
 * loop. POST /v2/models/{name}/generate answers once; .../generate_stream answers with
 * server-sent events, one `{ "token_id" }` per token, then `{ "finish_reason", "prompt_tokens",
 * "completion_tokens" }`. Closing the stream stops the generation at its next step.
 */
export const generateRequestSchema = z.object({
  input_ids: z.array(z.number().int().min(0)).min(1).max(32_768),
  parameters: z
    .object({
      max_tokens: z.number().int().min(1).max(32_768).default(64),
      temperature: z.number().min(0).max(10).default(0),
      top_k: z.number().int().min(0).max(100_000).default(0),
      top_p: z.number().gt(0).max(1).default(1),
      repetition_penalty: z.number().gt(0).max(10).default(1),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 32 - 1)
        .nullable()
        .default(null),
      /** Token ids that end the generation (the model's EOS). */
      stop_token_ids: z.array(z.number().int().min(0)).max(64).default([]),
      /**
       * Encoder-decoder models (an Optimum seq2seq export): the encoder's model name in the
       * repository (this model is then the merged decoder); `input_ids` are the encoder's
       * source and the decoder starts from `decoder_start_token_id`.
       */
      encoder_model: z
        .string()
        .regex(/^[a-f0-9]{64}$/)
        .optional(),
      decoder_start_token_id: z.number().int().min(0).optional(),
    })
    .prefault({})
    .refine((p) => (p.encoder_model === undefined) === (p.decoder_start_token_id === undefined), {
      message: "encoder_model and decoder_start_token_id go together (encoder-decoder models)",
    }),
});

export type GenerateRequest = z.infer<typeof generateRequestSchema>;

/** One server-sent event of generate_stream (the last one has finish_reason). */
export type GenerateEvent =
  | { token_id: number }
  | {
      finish_reason: "stop" | "length" | "cancelled" | "timeout";
      prompt_tokens: number;
      completion_tokens: number;
    }
  | { error: string; code: string; retryAfterMs?: number };
