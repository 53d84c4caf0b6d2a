/** A sequence's key/value cache: every past tensor of the model, for this sequence alone. */
export interface KvCache {
  /** Tokens the cache holds (the sequence's length so far). */
  length: number;
  /** One per past input, in the model's order, each [heads, length, headDim] flattened. */
  tensors: Float32Array[];
  /** What else the decoder keeps per sequence (an encoder-decoder: the encoder's states and cross keys/values). */
  context?: unknown;
}

/** One row of a step: the tokens this step adds to the sequence, after its cache (null: none yet). */
export interface StepRow {
  tokens: number[];
  cache: KvCache | null;
  /** Encoder-decoder models: the sequence's source (the prompt), encoded at its first step. */
  source?: number[];
}

/**
 * What the decode loop needs of a decoder-only model: one forward pass over a batch of
 * sequences, each continuing its own cache, answering the logits of each row's last position
 * and each row's extended cache. optimum-decoder.ts implements it for decoder-only ONNX exports,
 * optimum-seq2seq.ts for encoder-decoder ones.
 */
export interface Decoder {
  readonly vocabSize: number;
  /** Longest sequence the model can take (its position table), when it says. */
  readonly maxPositions: number | null;
  /**
   * Encoder-decoder models: the prompt is the encoder's source and the decoder's own sequence
   * starts from this token (optimum-seq2seq.ts); absent for decoder-only models.
   */
  readonly decoderStart?: number;
  step(rows: StepRow[]): Promise<{ logits: Float32Array; cache: KvCache }[]>;
}
