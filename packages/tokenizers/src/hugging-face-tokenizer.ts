import { Tokenizer } from "@huggingface/tokenizers";
import type { TextTokenizer } from "./index";

/** What a Hugging Face `tokenizer.json` declares about length, read once. */
interface TokenizerFile {
  truncation?: { max_length?: number } | null;
  padding?: { pad_id?: number } | null;
  model?: { type?: string };
}

/**
 * A Hugging Face tokenizer (WordPiece, BPE, Unigram: whatever its `tokenizer.json` holds),
 * through the maintained pure-JS port (@huggingface/tokenizers), with the file's special
 * tokens and post-processor. Truncation as the library's Rust original does it for one
 * sequence: the text's tokens are cut so that, with the special tokens the template adds
 * around them ([CLS] … [SEP], <s> … </s>), the row is at most `maxLength` long.
 */
export function huggingFaceTokenizer(tokenizerJson: string, configJson?: string | null): HuggingFaceTokenizer {
  let file: TokenizerFile;
  let config: Record<string, unknown>;
  try {
    file = JSON.parse(tokenizerJson) as TokenizerFile;
    config = configJson ? (JSON.parse(configJson) as Record<string, unknown>) : {};
  } catch {
    throw new Error("tokenizer.json and tokenizer_config.json must be JSON files");
  }
  if (!file || typeof file !== "object" || !file.model || typeof file.model !== "object") {
    throw new Error('a tokenizer.json needs a "model" (WordPiece, BPE or Unigram)');
  }
  const tokenizer = new Tokenizer(file, config);
  // Where the text goes between the template's special tokens: compare "" with one token.
  const empty = tokenizer.encode("").ids;
  const probe = tokenizer.encode("a").ids;
  let head = 0;
  while (head < empty.length && empty[head] === probe[head]) head++;
  const tail = empty.length - head;
  const declaredMax =
    file.truncation?.max_length ??
    (typeof config.model_max_length === "number" && config.model_max_length < 1e6
      ? config.model_max_length
      : undefined);
  return {
    declaredMaxLength: declaredMax,
    padId: file.padding?.pad_id ?? 0,
    encode(text: string, maxLength: number): number[] {
      const ids = tokenizer.encode(text).ids;
      const limit = Math.min(maxLength, declaredMax ?? maxLength);
      if (ids.length <= limit) return ids;
      return [...ids.slice(0, Math.max(head, limit - tail)), ...ids.slice(ids.length - tail)];
    },
  };
}

export interface HuggingFaceTokenizer extends TextTokenizer {
  /** The file's own truncation length (tokenizer.json, else tokenizer_config's model_max_length). */
  declaredMaxLength?: number;
  /** The id rows are padded with (the file's `padding.pad_id`; 0 when it declares none). */
  padId: number;
}
