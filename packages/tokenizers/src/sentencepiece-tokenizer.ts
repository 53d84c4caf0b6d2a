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
  /** Each piece's length in code points, by id. */
  private readonly pieceLength: Int32Array;

  constructor(private readonly vocab: SentencePieceVocab) {
    this.pieceLength = Int32Array.from(vocab, ([piece]) => [...piece].length);
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
    const best = new Float64Array(n + 1);
    const chosen = new Int32Array(n + 1);
    // The reference groups candidates by end, then visits their starts in ascending order; a
    // forward pass over starts visits each end's candidates in that same order (one piece per
    // start and end), and best[start] is final by then, so the ids are the same, without the
    // per-position maps and sorts (this runs on the API's thread for every text of a call).
    const relax = (start: number, end: number, score: number, id: number) => {
      const total = score + (best[start] as number);
      if (best[end] === 0 || total >= (best[end] as number)) {
        best[end] = total;
        chosen[end] = id;
      }
    };
    for (let start = 0; start < n; start++) {
      let found = false;
      let node = this.root.children.get(symbols[start] as string);
      for (let i = start; i < n && node; i++) {
        const piece = node.piece;
        if (piece) {
          found = true;
          relax(start, start + piece.length, piece.score, piece.id);
        }
        node = node.children.get(symbols[i + 1] as string);
      }
      // A symbol no piece starts with: a lone unknown.
      if (!found) relax(start, start + 1, 0, UNKNOWN_ID);
    }
    const ids: number[] = [];
    for (let end = n; end > 0; ) {
      const id = chosen[end] as number;
      ids.push(id);
      // As the reference: step back by the chosen piece's own length (for <unk>, its text's).
      end -= this.pieceLength[id] as number;
    }
    ids.reverse();
    return ids.filter((id, i) => !(id === UNKNOWN_ID && ids[i - 1] === UNKNOWN_ID));
  }
}
