import { SentencePieceTokenizer, type SentencePieceVocab } from "./sentencepiece-tokenizer";
import { WordPieceTokenizer } from "./wordpiece-tokenizer";

export { SentencePieceTokenizer, type SentencePieceVocab } from "./sentencepiece-tokenizer";
export { type WordPieceOptions, WordPieceTokenizer } from "./wordpiece-tokenizer";

export type TokenizerKind = "sentencepiece" | "wordpiece";

/** What a text model is fed: ids of one text, already cut to the model's maximum length. */
export interface TextTokenizer {
  encode(text: string, maxLength: number): number[];
  /** The id a batch's shorter rows are padded with (0 unless the tokenizer declares one). */
  padId?: number;
}

/**
 * The tokenizer a text model declares, from its vocabulary file: a JSON array of
 * `[piece, score]` for SentencePiece, a `vocab.txt` (one token per line) for WordPiece.
 * Throws with a message a publisher can act on when the file does not fit the kind.
 */
export function createTokenizer(
  kind: TokenizerKind,
  vocabFile: string,
  options: { lowercase?: boolean } = {},
): TextTokenizer {
  if (kind === "wordpiece") {
    const tokenizer = new WordPieceTokenizer(vocabFile, { lowercase: options.lowercase ?? true });
    return { encode: (text, maxLength) => tokenizer.encode(text, maxLength) };
  }
  let vocab: unknown;
  try {
    vocab = JSON.parse(vocabFile);
  } catch {
    throw new Error("a SentencePiece vocabulary must be a JSON array of [piece, score] pairs");
  }
  const valid =
    Array.isArray(vocab) &&
    vocab.length > 6 &&
    // A few pieces of the USE vocabulary carry a null score (the reference adds it as 0).
    vocab.every((e) => Array.isArray(e) && typeof e[0] === "string" && (typeof e[1] === "number" || e[1] === null));
  if (!valid) throw new Error("a SentencePiece vocabulary must be a JSON array of [piece, score] pairs");
  const tokenizer = new SentencePieceTokenizer(vocab as SentencePieceVocab);
  return { encode: (text, maxLength) => tokenizer.encode(text).slice(0, maxLength) };
}

export { type GenerationTokenizer, generationTokenizer } from "./generation-tokenizer";
export { type HuggingFaceTokenizer, huggingFaceTokenizer } from "./hugging-face-tokenizer";
