import type * as ort from "onnxruntime-node";
import type { Decoder, KvCache, StepRow } from "./decoder";

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;

/** The shape of a Hugging Face Optimum decoder export, read from its inputs (docs/publishing.md). */
export interface OptimumLayout {
  /** past_key_values.{i}.key / .value in layer order, and the present.* output of each. */
  pastInputs: string[];
  presentOutputs: string[];
  heads: number;
  headDim: number;
  hasPositionIds: boolean;
  /** A merged decoder (with and without past in one graph) takes this boolean. */
  hasUseCacheBranch: boolean;
}

type Meta = { name: string; shape?: readonly (number | string)[]; type?: string };

/** Reads the layout from the session's inputs and outputs, or says what does not fit. */
export function optimumLayout(inputs: Meta[], outputs: Meta[]): OptimumLayout {
  const names = new Set(inputs.map((i) => i.name));
  if (!names.has("input_ids") || !names.has("attention_mask")) {
    throw new Error(
      "a generation model takes input_ids and attention_mask (an Optimum text-generation-with-past export)",
    );
  }
  const pasts = inputs.filter((i) => PAST.test(i.name)).sort((a, b) => order(a.name) - order(b.name));
  if (!pasts.length) {
    throw new Error("the model takes no past_key_values.*: export it with past (task text-generation-with-past)");
  }
  const presentOutputs = pasts.map((p) => p.name.replace("past_key_values.", "present."));
  const missing = presentOutputs.filter((n) => !outputs.some((o) => o.name === n));
  if (missing.length || !outputs.some((o) => o.name === "logits")) {
    throw new Error(
      `the model must return logits and ${presentOutputs.join(", ")} (missing: ${["logits", ...missing].filter((n) => !outputs.some((o) => o.name === n)).join(", ")})`,
    );
  }
  const shape = pasts[0]?.shape ?? [];
  const heads = shape[1];
  const headDim = shape[3];
  if (typeof heads !== "number" || typeof headDim !== "number") {
    throw new Error(
      `${pasts[0]?.name} must have a fixed number of heads and head size ([batch, heads, past, head_dim])`,
    );
  }
  return {
    pastInputs: pasts.map((p) => p.name),
    presentOutputs,
    heads,
    headDim,
    hasPositionIds: names.has("position_ids"),
    hasUseCacheBranch: names.has("use_cache_branch"),
  };
}

function order(name: string): number {
  const [, layer, kind] = PAST.exec(name) ?? [];
  return Number(layer) * 2 + (kind === "value" ? 1 : 0);
}

/**
 * A decoder-only ONNX export run step by step with its key/value cache. Rows of a batch have
 * caches of different lengths: each is left-padded to the longest, the padding masked out by
 * attention_mask, and positions given per row (position_ids), so a row's logits are those it
 * would get alone; each row's present.* slice is its new cache.
 */
export class OptimumDecoder implements Decoder {
  constructor(
    private readonly session: ort.InferenceSession,
    private readonly ortModule: typeof ort,
    readonly layout: OptimumLayout,
    readonly vocabSize: number,
    readonly maxPositions: number | null,
  ) {}

  async step(rows: StepRow[]): Promise<{ logits: Float32Array; cache: KvCache }[]> {
    const { heads, headDim, pastInputs, presentOutputs } = this.layout;
    const { Tensor } = this.ortModule;
    const b = rows.length;
    const t = rows[0]?.tokens.length ?? 0;
    if (rows.some((r) => r.tokens.length !== t)) throw new Error("rows of one step add the same number of tokens");
    const lengths = rows.map((r) => r.cache?.length ?? 0);
    const past = Math.max(0, ...lengths);
    const total = past + t;
    const ids = new BigInt64Array(b * t);
    const positions = new BigInt64Array(b * t);
    const mask = new BigInt64Array(b * total);
    rows.forEach((row, r) => {
      const len = lengths[r] as number;
      for (let k = 0; k < t; k++) {
        ids[r * t + k] = BigInt(row.tokens[k] as number);
        positions[r * t + k] = BigInt(len + k);
      }
      // Left padding: the row's cache sits at the end of the past axis.
      for (let k = past - len; k < total; k++) mask[r * total + k] = 1n;
    });
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new Tensor("int64", ids, [b, t]),
      attention_mask: new Tensor("int64", mask, [b, total]),
    };
    if (this.layout.hasPositionIds) feeds.position_ids = new Tensor("int64", positions, [b, t]);
    if (this.layout.hasUseCacheBranch) feeds.use_cache_branch = new Tensor("bool", [past > 0], [1]);
    pastInputs.forEach((name, p) => {
      const data = new Float32Array(b * heads * past * headDim);
      rows.forEach((row, r) => {
        const cache = row.cache;
        if (!cache) return;
        const src = cache.tensors[p] as Float32Array;
        const len = cache.length;
        for (let h = 0; h < heads; h++) {
          const from = h * len * headDim;
          const to = ((r * heads + h) * past + (past - len)) * headDim;
          data.set(src.subarray(from, from + len * headDim), to);
        }
      });
      feeds[name] = new Tensor("float32", data, [b, heads, past, headDim]);
    });
    const out = await this.session.run(feeds);
    const logits = out.logits as ort.Tensor;
    const vocab = logits.dims[2] as number;
    const logitData = logits.data as Float32Array;
    return rows.map((_row, r) => {
      const len = (lengths[r] as number) + t;
      const tensors = presentOutputs.map((name) => {
        const present = out[name] as ort.Tensor;
        const data = present.data as Float32Array;
        const pastOut = present.dims[2] as number;
        const own = new Float32Array(heads * len * headDim);
        for (let h = 0; h < heads; h++) {
          const from = ((r * heads + h) * pastOut + (pastOut - len)) * headDim;
          own.set(data.subarray(from, from + len * headDim), h * len * headDim);
        }
        return own;
      });
      const last = (r * t + (t - 1)) * vocab;
      return { logits: logitData.slice(last, last + vocab), cache: { length: len, tensors } };
    });
  }
}
