import type { SentencePieceTokenizer } from "@modelmarket/tokenizers";
import * as ort from "onnxruntime-node";

/** Dense `input_ids` / `attention_mask` for a batch of token id lists, padded with 0. */
export function denseTextBatch(tokenized: number[][]): { ids: BigInt64Array; mask: BigInt64Array; dims: number[] } {
  const length = Math.max(1, ...tokenized.map((t) => t.length));
  const ids = new BigInt64Array(tokenized.length * length);
  const mask = new BigInt64Array(tokenized.length * length);
  tokenized.forEach((tokens, row) => {
    tokens.forEach((id, col) => {
      ids[row * length + col] = BigInt(id);
      mask[row * length + col] = 1n;
    });
  });
  return { ids, mask, dims: [tokenized.length, length] };
}

/** Runs a text model over `texts` in batches; returns its first output, one row per text. */
export async function runTextModel(
  session: ort.InferenceSession,
  tokenizer: SentencePieceTokenizer,
  texts: string[],
  batchSize = 64,
): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  const output = session.outputNames[0] as string;
  for (let start = 0; start < texts.length; start += batchSize) {
    const batch = denseTextBatch(texts.slice(start, start + batchSize).map((t) => tokenizer.encode(t)));
    const result = await session.run({
      input_ids: new ort.Tensor("int64", batch.ids, batch.dims),
      attention_mask: new ort.Tensor("int64", batch.mask, batch.dims),
    });
    const data = result[output]?.data as Float32Array;
    const width = data.length / (batch.dims[0] as number);
    for (let r = 0; r < (batch.dims[0] as number); r++) rows.push(data.slice(r * width, (r + 1) * width));
  }
  return rows;
}
