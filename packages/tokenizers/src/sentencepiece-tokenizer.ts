/** A SentencePiece vocabulary: `[piece, log-probability score]` in id order (null counts as 0). */
export type SentencePieceVocab = [string, number | null][];

const SEPARATOR = "\u2581"; // ▁, SentencePiece's word boundary
/** Ids 0–5 are control pieces (<unk>, <s>, </s>, …): never matched in text. */
const RESERVED_PIECES = 6;
const UNKNOWN_ID = 0;

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Set when a piece ends here. */
  piece?: { length: number; score: number; id: number };
}

/**
 * The unigram SentencePiece encoder used by the Universal Sentence Encoder lite, ported from
 * the reference TypeScript tokenizer of `@energetic-ai/embeddings` (Apache-2.0, itself from
 * `@tensorflow-models/universal-sentence-encoder`): NFKC-normalise, mark spaces with ▁, then
 * Viterbi over the pieces of the vocabulary for the highest total score. Unknown characters
 * become id 0, consecutive unknowns merged. Its output must stay identical to the reference
 * (tested), because the encoder was trained on exactly these ids.
 */
export class SentencePieceTokenizer {
  private readonly root: TrieNode = { children: new Map() };

  constructor(private readonly vocab: SentencePieceVocab) {
    for (let id = RESERVED_PIECES; id < vocab.length; id++) {
      const [piece, rawScore] = vocab[id] as [string, number | null];
      const score = rawScore ?? 0;
      let node = this.root;
      const chars = [...piece];
      for (const ch of chars) {
        let next = node.children.get(ch);
        if (!next) {
          next = { children: new Map() };
          node.children.set(ch, next);
        }
        node = next;
      }
      node.piece = { length: chars.length, score, id };
    }
  }

  get size(): number {
    return this.vocab.length;
  }

  encode(text: string): number[] {
    const normalized = text.normalize("NFKC");
    const symbols = normalized.length > 0 ? [...(SEPARATOR + normalized.replace(/ /g, SEPARATOR))] : [];
    const n = symbols.length;
    // best[end]: best score of a segmentation of symbols[0, end); 0 also means "none yet",
    // exactly as the reference does (it matters for parity when scores sum to 0).
    const best = new Array<number>(n + 1).fill(0);
    const chosen = new Array<number>(n + 1).fill(0);
    // Candidate pieces grouped by end position, then by start, in the reference's order.
    const byEnd: Map<number, { score: number; id: number; length: number }[]>[] = Array.from(
      { length: n + 1 },
      () => new Map(),
    );
    for (let start = 0; start < n; start++) {
      for (const piece of this.prefixes(symbols, start)) {
        const end = start + piece.length;
        const list = byEnd[end]?.get(start) ?? [];
        list.push(piece);
        byEnd[end]?.set(start, list);
      }
    }
    for (let end = 0; end <= n; end++) {
      const starts = [...(byEnd[end] as Map<number, { score: number; id: number; length: number }[]>).keys()].sort(
        (a, b) => a - b,
      );
      for (const start of starts) {
        for (const piece of byEnd[end]?.get(start) ?? []) {
          const score = piece.score + (best[end - piece.length] as number);
          if (best[end] === 0 || score >= (best[end] as number)) {
            best[end] = score;
            chosen[end] = piece.id;
          }
        }
      }
    }
    const ids: number[] = [];
    for (let end = n; end > 0; ) {
      const id = chosen[end] as number;
      ids.push(id);
      end -= [...(this.vocab[id] as [string, number | null])[0]].length;
    }
    ids.reverse();
    return ids.filter((id, i) => !(id === UNKNOWN_ID && ids[i - 1] === UNKNOWN_ID));
  }

  /** Every vocabulary piece that starts at `start`; a lone unknown symbol when none does. */
  private prefixes(symbols: string[], start: number): { score: number; id: number; length: number }[] {
    const found: { score: number; id: number; length: number }[] = [];
    let node = this.root.children.get(symbols[start] as string);
    for (let i = start; i < symbols.length && node; i++) {
      if (node.piece) found.push(node.piece);
      node = node.children.get(symbols[i + 1] as string);
    }
    if (!found.length) found.push({ score: 0, id: UNKNOWN_ID, length: 1 });
    return found;
  }
}
