/**
 * How the next token is chosen from a step's logits, as Hugging Face's `generate` does it:
 * repetition penalty (CTRL: a seen token's positive logit divided, negative multiplied), then
 * greedy when the temperature is 0, else temperature, top-k, top-p (nucleus) and a draw from a
 * seeded generator, so that a seeded sampled generation is reproducible.
 */
export interface SamplingParams {
  /** 0 = greedy (the default). */
  temperature: number;
  /** 0 = no top-k filter. */
  topK: number;
  /** 1 = no nucleus filter. */
  topP: number;
  /** 1 = none. */
  repetitionPenalty: number;
  /** The generator's seed; null draws one. */
  seed: number | null;
}

export const GREEDY: SamplingParams = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1, seed: null };

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The next token from one position's logits (modified in place), given the tokens so far. */
export function nextToken(
  logits: Float32Array,
  params: SamplingParams,
  seen: Iterable<number>,
  random: () => number,
): number {
  if (params.repetitionPenalty !== 1) {
    for (const token of new Set(seen)) {
      const v = logits[token];
      if (v === undefined) continue;
      logits[token] = v > 0 ? v / params.repetitionPenalty : v * params.repetitionPenalty;
    }
  }
  if (params.temperature <= 0) return argmax(logits);
  // Candidates by logit, best first, cut to top-k.
  let order = Array.from(logits.keys()).sort((a, b) => (logits[b] as number) - (logits[a] as number));
  if (params.topK > 0) order = order.slice(0, params.topK);
  const best = logits[order[0] as number] as number;
  const weights = order.map((t) => Math.exp(((logits[t] as number) - best) / params.temperature));
  const total = weights.reduce((a, w) => a + w, 0);
  // Nucleus: the smallest prefix whose probability reaches top-p (at least one token).
  let kept = order.length;
  if (params.topP < 1) {
    let mass = 0;
    for (let i = 0; i < order.length; i++) {
      mass += (weights[i] as number) / total;
      if (mass >= params.topP) {
        kept = i + 1;
        break;
      }
    }
  }
  const keptTotal = weights.slice(0, kept).reduce((a, w) => a + w, 0);
  let r = random() * keptTotal;
  for (let i = 0; i < kept; i++) {
    r -= weights[i] as number;
    if (r <= 0) return order[i] as number;
  }
  return order[kept - 1] as number;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}
