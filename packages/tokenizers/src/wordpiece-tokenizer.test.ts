import { describe, expect, it } from "vitest";
import { createTokenizer } from "./index";
import { WordPieceTokenizer } from "./wordpiece-tokenizer";

// A small BERT-style vocabulary: specials first, then whole words and ## continuations.
const VOCAB = [
  "[PAD]",
  "[UNK]",
  "[CLS]",
  "[SEP]",
  "[MASK]",
  "the",
  "un",
  "##aff",
  "##able",
  "runn",
  "##ing",
  ",",
  "!",
  "cafe",
  "is",
  "great",
  "世",
  "界",
  "'",
  "s",
].join("\n");

describe("WordPiece tokenizer", () => {
  const uncased = new WordPieceTokenizer(VOCAB, { lowercase: true });

  it("happy: greedy longest-match pieces with ## continuations, wrapped in [CLS] … [SEP]", () => {
    // The example of google-research/bert: "unaffable" → un ##aff ##able.
    expect(uncased.encode("UnAffable running!")).toEqual([2, 6, 7, 8, 9, 10, 12, 3]);
  });

  it("happy: lowercases, strips accents, splits punctuation and isolates CJK ideographs", () => {
    expect(uncased.encode("The Café is great, 世界")).toEqual([2, 5, 13, 14, 15, 11, 16, 17, 3]);
    expect(uncased.encode("the cafe's")).toEqual([2, 5, 13, 18, 19, 3]);
  });

  it("error: words it cannot piece together become [UNK]; cased vocabularies keep case", () => {
    expect(uncased.encode("the xylophone")).toEqual([2, 5, 1, 3]);
    const cased = new WordPieceTokenizer(VOCAB, { lowercase: false });
    expect(cased.encode("The the")).toEqual([2, 1, 5, 3]);
  });

  it("happy: cuts long texts so that [CLS] and [SEP] still fit max length", () => {
    const ids = uncased.encode("the ".repeat(100), 8);
    expect(ids).toHaveLength(8);
    expect(ids[0]).toBe(2);
    expect(ids[7]).toBe(3);
  });

  it("error: a vocabulary without the special tokens, or a malformed SentencePiece file, is refused", () => {
    expect(() => new WordPieceTokenizer("a\nb\nc", { lowercase: true })).toThrow(/no \[UNK\] token/);
    expect(() => createTokenizer("sentencepiece", "not json")).toThrow(/JSON array of \[piece, score\] pairs/);
    expect(() => createTokenizer("sentencepiece", JSON.stringify([["a", "b"]]))).toThrow(/pairs/);
  });
});
