import type { BatchingPolicy } from "@modelmarket/kserve";
import type { WireTensor } from "./tensors";

export type { BatchingPolicy } from "@modelmarket/kserve";

/** Rows of a request: its inputs' first dimension (every input must agree). */
export function rowsOf(inputs: WireTensor[]): number | null {
  const first = inputs[0]?.shape[0];
  if (first === undefined || inputs.some((t) => t.shape.length === 0 || t.shape[0] !== first)) return null;
  return first;
}

/** Whether two requests' inputs can be stacked along the first axis. */
export function canJoin(a: WireTensor[], b: WireTensor[], policy: BatchingPolicy): boolean {
  if (a.length !== b.length || rowsOf(a) === null || rowsOf(b) === null) return false;
  if (policy.padSequences && (!consistentSequences(a) || !consistentSequences(b))) return false;
  return a.every((t) => {
    const u = b.find((x) => x.name === t.name);
    if (!u || u.datatype !== t.datatype || u.shape.length !== t.shape.length) return false;
    if (policy.padSequences && isSequence(t)) return true;
    return t.shape.slice(1).every((d, k) => d === u.shape[k + 1]);
  });
}

/** A request's sequence inputs (ids, mask) share one length, or padding would hide an error. */
function consistentSequences(inputs: WireTensor[]): boolean {
  const lengths = new Set(inputs.filter(isSequence).map((t) => t.shape[1]));
  return lengths.size <= 1;
}

function isSequence(t: WireTensor): boolean {
  return t.shape.length === 2 && (t.datatype === "INT64" || t.datatype === "INT32");
}

/** Stacks requests into one, padding sequences to the longest; returns each request's row count. */
export function mergeRequests(
  requests: WireTensor[][],
  policy: BatchingPolicy,
): { inputs: WireTensor[]; rows: number[] } {
  const rows = requests.map((r) => rowsOf(r) as number);
  const total = rows.reduce((a, b) => a + b, 0);
  const inputs = (requests[0] as WireTensor[]).map((template) => {
    const parts = requests.map((r) => r.find((t) => t.name === template.name) as WireTensor);
    if (policy.padSequences && isSequence(template)) {
      const length = Math.max(...parts.map((p) => p.shape[1] as number));
      const data: (number | string | boolean)[] = [];
      for (const p of parts) {
        const width = p.shape[1] as number;
        for (let r = 0; r < (p.shape[0] as number); r++) {
          for (let c = 0; c < length; c++) data.push(c < width ? (p.data[r * width + c] as number) : 0);
        }
      }
      return { name: template.name, datatype: template.datatype, shape: [total, length], data };
    }
    return {
      name: template.name,
      datatype: template.datatype,
      shape: [total, ...template.shape.slice(1)],
      data: parts.flatMap((p) => p.data),
    };
  });
  return { inputs, rows };
}

/**
 * Splits a batched reply back into one reply per request, by rows. Returns null when an
 * output does not have one row per input row (the model is not batchable after all).
 */
export function splitOutputs(outputs: WireTensor[], rows: number[]): WireTensor[][] | null {
  const total = rows.reduce((a, b) => a + b, 0);
  if (outputs.some((o) => o.shape[0] !== total)) return null;
  const replies: WireTensor[][] = rows.map(() => []);
  for (const o of outputs) {
    const width = o.data.length / total;
    let offset = 0;
    rows.forEach((n, i) => {
      replies[i]?.push({
        ...o,
        shape: [n, ...o.shape.slice(1)],
        data: o.data.slice(offset * width, (offset + n) * width),
      });
      offset += n;
    });
  }
  return replies;
}
