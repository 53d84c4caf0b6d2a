import type * as ort from "onnxruntime-node";
import type { Decoder, KvCache, StepRow } from "./decoder";

const PAST = /^past_key_values\.(\d+)\.(decoder|encoder)\.(key|value)$/;

type Meta = { name: string; shape?: readonly (number | string)[] };

/** The shape of a Hugging Face Optimum seq2seq merged decoder, read from its inputs (docs/publishing.md). */
export interface Seq2SeqLayout {
  /** past_key_values.{i}.decoder.key / .value in layer order (the self-attention cache). */
  decoderPasts: string[];
  /** past_key_values.{i}.encoder.key / .value (the cross-attention keys and values of the source). */
  encoderPasts: string[];
  heads: number;
  headDim: number;
}

/** Reads the layout of `decoder_model_merged.onnx`, or says what does not fit. */
export function seq2seqLayout(inputs: Meta[], outputs: Meta[]): Seq2SeqLayout {
  const names = new Set(inputs.map((i) => i.name));
  for (const name of ["input_ids", "encoder_attention_mask", "encoder_hidden_states", "use_cache_branch"]) {
    if (!names.has(name)) {
      throw new Error(
        `an encoder-decoder's decoder takes ${name} (an Optimum seq2seq export's decoder_model_merged.onnx)`,
      );
    }
  }
  const pasts = inputs.filter((i) => PAST.test(i.name)).sort((a, b) => order(a.name) - order(b.name));
  const decoderPasts = pasts.filter((p) => p.name.includes(".decoder.")).map((p) => p.name);
  const encoderPasts = pasts.filter((p) => p.name.includes(".encoder.")).map((p) => p.name);
  if (!decoderPasts.length || decoderPasts.length !== encoderPasts.length) {
    throw new Error("the decoder takes past_key_values.{i}.decoder.* and .encoder.* for every layer");
  }
  const missing = [...decoderPasts, ...encoderPasts]
    .map((n) => n.replace("past_key_values.", "present."))
    .filter((n) => !outputs.some((o) => o.name === n));
  if (missing.length || !outputs.some((o) => o.name === "logits")) {
    throw new Error(`the decoder must return logits and present.* for every past (missing: ${missing.join(", ")})`);
  }
  const shape = pasts[0]?.shape ?? [];
  const [heads, headDim] = [shape[1], shape[3]];
  if (typeof heads !== "number" || typeof headDim !== "number") {
    throw new Error(`${pasts[0]?.name} must have a fixed number of heads and head size`);
  }
  return { decoderPasts, encoderPasts, heads, headDim };
}

function order(name: string): number {
  const [, layer, part, kind] = PAST.exec(name) ?? [];
  return Number(layer) * 4 + (part === "encoder" ? 2 : 0) + (kind === "value" ? 1 : 0);
}

/** What a sequence keeps besides its self-attention cache: the encoded source. */
interface SourceContext {
  hidden: ort.Tensor;
  mask: ort.Tensor;
  /** The cross-attention keys/values, from the decoder's first step (present.*.encoder.*). */
  crossCache: Record<string, ort.Tensor>;
}

/**
 * An encoder-decoder ONNX export (Optimum: encoder_model.onnx + decoder_model_merged.onnx) run
 * step by step: a sequence's first step encodes its source and runs the decoder without past
 * (use_cache_branch false), which answers the cross-attention keys/values the later steps reuse
 * (the with-past branch returns placeholders for them, so the first ones are kept); later steps
 * feed the self-attention cache. Optimum's seq2seq decoders take no decoder attention mask or
 * positions, so rows of different lengths cannot share a forward pass: a step runs its rows one
 * after another (the loop still interleaves sequences step by step, so none waits for another's end).
 */
export class OptimumSeq2SeqDecoder implements Decoder {
  readonly maxPositions = null;

  constructor(
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    private readonly ortModule: typeof ort,
    readonly layout: Seq2SeqLayout,
    readonly vocabSize: number,
    readonly decoderStart: number,
  ) {}

  async step(rows: StepRow[]): Promise<{ logits: Float32Array; cache: KvCache }[]> {
    const results: { logits: Float32Array; cache: KvCache }[] = [];
    for (const row of rows) results.push(await this.stepOne(row));
    return results;
  }

  private async stepOne(row: StepRow): Promise<{ logits: Float32Array; cache: KvCache }> {
    const { Tensor } = this.ortModule;
    const { heads, headDim, decoderPasts, encoderPasts } = this.layout;
    const ids = (values: number[]) => new Tensor("int64", BigInt64Array.from(values.map(BigInt)), [1, values.length]);
    let context = row.cache?.context as SourceContext | undefined;
    if (!context) {
      const source = row.source;
      if (!source?.length) throw new Error("an encoder-decoder sequence needs its source");
      const mask = ids(source.map(() => 1));
      const encoded = await this.encoder.run({ input_ids: ids(source), attention_mask: mask });
      const hidden = encoded.last_hidden_state ?? encoded[this.encoder.outputNames[0] as string];
      if (!hidden) throw new Error("the encoder returned no last_hidden_state");
      context = { hidden, mask, crossCache: {} };
    }
    const cache = row.cache;
    const past = cache?.length ?? 0;
    const empty = () => new Tensor("float32", new Float32Array(0), [1, heads, 0, headDim]);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: ids(row.tokens),
      encoder_attention_mask: context.mask,
      encoder_hidden_states: context.hidden,
      use_cache_branch: new Tensor("bool", [cache !== null], [1]),
    };
    decoderPasts.forEach((name, p) => {
      feeds[name] = cache
        ? new Tensor("float32", cache.tensors[p] as Float32Array, [1, heads, past, headDim])
        : empty();
    });
    for (const name of encoderPasts) feeds[name] = context.crossCache[name] ?? empty();
    const out = await this.decoder.run(feeds);
    if (!cache) {
      for (const name of encoderPasts) {
        const present = out[name.replace("past_key_values.", "present.")];
        if (present) context.crossCache[name] = present;
      }
    }
    const logits = out.logits as ort.Tensor;
    const vocab = logits.dims[2] as number;
    const t = row.tokens.length;
    const data = logits.data as Float32Array;
    return {
      logits: data.slice((t - 1) * vocab, t * vocab),
      cache: {
        length: past + t,
        tensors: decoderPasts.map(
          (name) => (out[name.replace("past_key_values.", "present.")] as ort.Tensor).data as Float32Array,
        ),
        context,
      },
    };
  }
}
