import { type GenerationTokenizer, generationTokenizer } from "@modelmarket/tokenizers";
import type { AppServices } from "../../services";
import { readTextAsset } from "../support/read-json-asset";

/** What a generative version's assets say about generating with it, read once per version. */
export interface GenerationSettings {
  tokenizer: GenerationTokenizer;
  /** Token ids that end a generation (generation_config, config, or the tokenizer's EOS). */
  eosTokenIds: number[];
  /** Longest sequence (prompt + generated) the model takes, when its config says. */
  maxPositions: number | null;
  /** maxTokens when the caller gives none. */
  defaultMaxTokens: number;
  /** The tokenizer_config's chat template (Jinja), for chat completions. */
  chatTemplate: string | null;
  bosToken: string | null;
  eosToken: string | null;
  /**
   * Encoder-decoder models (an Optimum seq2seq export: the version's model is the merged
   * decoder, its `encoder` asset the encoder): the prompt is the encoder's source, the decoder
   * starts from `decoderStart`. Null for decoder-only models.
   */
  seq2seq: { encoderSha256: string; decoderStart: number } | null;
}

type Json = Record<string, unknown>;

const asIds = (value: unknown): number[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is number => Number.isInteger(v));

const tokenText = (value: unknown): string | null =>
  typeof value === "string"
    ? value
    : typeof (value as Json | null)?.content === "string"
      ? ((value as Json).content as string)
      : null;

/** Reads the version's tokenizer and configuration assets (content-addressed: cached for good). */
export async function generationSettings(services: AppServices, assets: unknown): Promise<GenerationSettings> {
  const roles = (assets ?? {}) as Record<string, { sha256: string }>;
  const key = ["tokenizer", "tokenizer_config", "generation_config", "config", "encoder"]
    .map((r) => roles[r]?.sha256 ?? "-")
    .join(":");
  const cached = services.taskAssets.generation.get(key) as GenerationSettings | undefined;
  if (cached) return cached;
  const json = async (role: string): Promise<Json> =>
    roles[role] ? (JSON.parse(await readTextAsset(services, assets, role)) as Json) : {};
  const tokenizerConfig = await json("tokenizer_config");
  const generationConfig = await json("generation_config");
  const config = await json("config");
  const tokenizer = generationTokenizer(
    await readTextAsset(services, assets, "tokenizer"),
    roles.tokenizer_config ? JSON.stringify(tokenizerConfig) : null,
  );
  const eosToken = tokenText(tokenizerConfig.eos_token);
  const eosTokenIds = [
    ...new Set([
      ...asIds(generationConfig.eos_token_id),
      ...asIds(config.eos_token_id),
      ...(eosToken !== null && tokenizer.idOf(eosToken) !== undefined ? [tokenizer.idOf(eosToken) as number] : []),
    ]),
  ];
  const positions = [config.n_positions, config.max_position_embeddings, tokenizerConfig.model_max_length].find(
    (v): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) < 10_000_000,
  );
  const decoderStart = decoderStartOf(generationConfig, config);
  const maxNew = [generationConfig.max_new_tokens].find((v): v is number => Number.isInteger(v) && (v as number) > 0);
  const settings: GenerationSettings = {
    tokenizer,
    eosTokenIds,
    maxPositions: positions ?? null,
    defaultMaxTokens: maxNew ?? 128,
    chatTemplate: typeof tokenizerConfig.chat_template === "string" ? tokenizerConfig.chat_template : null,
    bosToken: tokenText(tokenizerConfig.bos_token),
    eosToken,
    seq2seq: roles.encoder && decoderStart !== null ? { encoderSha256: roles.encoder.sha256, decoderStart } : null,
  };
  services.taskAssets.generation.set(key, settings);
  return settings;
}

/** An encoder-decoder's first decoder token: generation_config's or config's decoder_start_token_id. */
export function decoderStartOf(generationConfig: Json, config: Json): number | null {
  return asIds(generationConfig.decoder_start_token_id)[0] ?? asIds(config.decoder_start_token_id)[0] ?? null;
}

/**
 * The tier's generate request for a prompt's ids: sampling, maxTokens, the model's EOS ids, and
 * for an encoder-decoder its encoder and start token (docs: the tier's generate extension).
 */
export function tierGenerateRequest(
  settings: GenerationSettings,
  promptIds: number[],
  parameters: {
    max_tokens: number;
    temperature: number;
    top_p: number;
    top_k: number;
    repetition_penalty: number;
    seed: number | null;
  },
) {
  return {
    input_ids: promptIds,
    parameters: {
      ...parameters,
      stop_token_ids: settings.eosTokenIds,
      ...(settings.seq2seq
        ? { encoder_model: settings.seq2seq.encoderSha256, decoder_start_token_id: settings.seq2seq.decoderStart }
        : {}),
    },
  };
}
