import { Tokenizer } from "@huggingface/tokenizers";

/**
 * The tokenizer of a generative model (a Hugging Face `tokenizer.json`, with
 * `tokenizer_config.json` when given): a prompt to ids with the file's own template (a BOS
 * where the model expects one), ids back to text, and streaming detokenization that never
 * emits half a character (a byte-level token may end in the middle of a UTF-8 sequence).
 */
export interface GenerationTokenizer {
  encode(text: string): number[];
  decode(ids: number[]): string;
  /** The id of a special token by its text (`<|endoftext|>`, `</s>`), if the vocabulary has it. */
  idOf(token: string): number | undefined;
  /** Text added by each new token, held back while it ends in an incomplete character. */
  streamDecoder(): (token: number) => string;
}

export function generationTokenizer(tokenizerJson: string, configJson?: string | null): GenerationTokenizer {
  let file: unknown;
  let config: Record<string, unknown>;
  try {
    file = JSON.parse(tokenizerJson);
    config = configJson ? (JSON.parse(configJson) as Record<string, unknown>) : {};
  } catch {
    throw new Error("tokenizer.json and tokenizer_config.json must be JSON files");
  }
  if (!file || typeof file !== "object" || !(file as { model?: unknown }).model) {
    throw new Error('a tokenizer.json needs a "model" (BPE, Unigram or WordPiece)');
  }
  const tokenizer = new Tokenizer(file as object, config);
  const decode = (ids: number[]) => tokenizer.decode(ids, { skip_special_tokens: true });
  return {
    encode: (text) => tokenizer.encode(text).ids,
    decode,
    idOf: (token) => tokenizer.token_to_id(token),
    streamDecoder() {
      const ids: number[] = [];
      let emitted = "";
      return (token) => {
        ids.push(token);
        const text = decode(ids);
        // U+FFFD at the end: the last token(s) hold part of a character; wait for the rest.
        if (text.endsWith("\uFFFD")) return "";
        const added = text.startsWith(emitted) ? text.slice(emitted.length) : text;
        emitted = text;
        return added;
      };
    },
  };
}
