/** A sequence's key/value cache: every past tensor of the model, for this sequence alone. */
export interface KvCache {
  /** Tokens the cache holds (the sequence's length so far). */
  length: number;
  /** One per past input, in the model's order, each [heads, length, headDim] flattened. */
  tensors: Float32Array[];
}

/** One row of a step: the tokens this step adds to the sequence, after its cache (null: none yet). */
export interface StepRow {
  tokens: number[];
  cache: KvCache | null;
}

/**
 * What the decode loop needs of a decoder-only model: one forward pass over a batch of
 * sequences, each continuing its own cache, answering the logits of each row's last position
 * and each row's extended cache. optimum-decoder.ts implements it for ONNX exports.
 */
export interface Decoder {
  readonly vocabSize: number;
  /** Longest sequence the model can take (its position table), when it says. */
  readonly maxPositions: number | null;
  step(rows: StepRow[]): Promise<{ logits: Float32Array; cache: KvCache }[]>;
}
