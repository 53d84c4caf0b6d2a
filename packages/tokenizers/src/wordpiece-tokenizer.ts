export interface WordPieceOptions {
  /** Lowercase and strip accents first (the "uncased" BERT models). */
  lowercase: boolean;
  /** Longest word, in characters, that is split into pieces; longer words become [UNK]. */
  maxWordChars?: number;
}

/**
 * BERT's WordPiece tokenizer (the most common kind on public model hubs): basic
 * tokenisation (clean control characters, split on whitespace and punctuation, isolate CJK
 * ideographs, optionally lowercase and strip accents), then greedy longest-match-first
 * pieces with the `##` continuation prefix, as in google-research/bert `tokenization.py`.
 * `vocab.txt` holds one token per line; the line number is the id.
 */
export class WordPieceTokenizer {
  private readonly ids = new Map<string, number>();
  readonly unknownId: number;
  readonly clsId: number;
  readonly sepId: number;

  constructor(
    vocabText: string,
    private readonly options: WordPieceOptions,
  ) {
    vocabText.split(/\r?\n/).forEach((line, id) => {
      const token = line.trim();
      if (token && !this.ids.has(token)) this.ids.set(token, id);
    });
    const special = (t: string) => {
      const id = this.ids.get(t);
      if (id === undefined) throw new Error(`the WordPiece vocabulary has no ${t} token`);
      return id;
    };
    this.unknownId = special("[UNK]");
    this.clsId = special("[CLS]");
    this.sepId = special("[SEP]");
  }

  get size(): number {
    return this.ids.size;
  }

  /** `[CLS] pieces… [SEP]`, cut so that the whole sequence fits `maxLength`. */
  encode(text: string, maxLength = 512): number[] {
    const pieces: number[] = [];
    for (const word of this.basicTokens(text)) pieces.push(...this.wordPieces(word));
    return [this.clsId, ...pieces.slice(0, Math.max(0, maxLength - 2)), this.sepId];
  }

  private basicTokens(text: string): string[] {
    let clean = "";
    for (const ch of text) {
      const code = ch.codePointAt(0) as number;
      if (code === 0 || code === 0xfffd || isControl(ch)) continue;
      clean += /\s/u.test(ch) ? " " : isCjk(code) ? ` ${ch} ` : ch;
    }
    const tokens: string[] = [];
    for (let word of clean.trim().split(/\s+/)) {
      if (!word) continue;
      if (this.options.lowercase)
        word = word
          .toLowerCase()
          .normalize("NFD")
          .replace(/\p{Mn}/gu, "");
      let current = "";
      for (const ch of word) {
        if (isPunctuation(ch)) {
          if (current) tokens.push(current);
          tokens.push(ch);
          current = "";
        } else current += ch;
      }
      if (current) tokens.push(current);
    }
    return tokens;
  }

  private wordPieces(word: string): number[] {
    const chars = [...word];
    if (chars.length > (this.options.maxWordChars ?? 100)) return [this.unknownId];
    const out: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: number | undefined;
      while (start < end) {
        const piece = (start > 0 ? "##" : "") + chars.slice(start, end).join("");
        found = this.ids.get(piece);
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) return [this.unknownId];
      out.push(found);
      start = end;
    }
    return out;
  }
}

function isControl(ch: string): boolean {
  if (ch === "\t" || ch === "\n" || ch === "\r") return false;
  return /\p{Cc}|\p{Cf}/u.test(ch);
}

function isPunctuation(ch: string): boolean {
  const code = ch.codePointAt(0) as number;
  // BERT treats every non-alphanumeric ASCII symbol as punctuation, plus Unicode P*.
  if (
    (code >= 33 && code <= 47) ||
    (code >= 58 && code <= 64) ||
    (code >= 91 && code <= 96) ||
    (code >= 123 && code <= 126)
  )
    return true;
  return /\p{P}/u.test(ch);
}

function isCjk(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x20000 && code <= 0x2a6df) ||
    (code >= 0x2a700 && code <= 0x2b73f) ||
    (code >= 0x2b740 && code <= 0x2b81f) ||
    (code >= 0x2b820 && code <= 0x2ceaf) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0x2f800 && code <= 0x2fa1f)
  );
}
