import fs from "node:fs";
import path from "node:path";
import { halfToNumber } from "@modelmarket/kserve";

/** One attribute of a TF GraphDef node as the TFJS converter writes it to model.json. */
export interface TfAttr {
  i?: string | number;
  f?: number;
  b?: boolean;
  s?: string;
  type?: number | string;
  list?: { i?: (string | number)[]; s?: string[]; f?: number[] };
}

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

export type TfDtype = "float32" | "int32" | "bool";

/** A constant tensor of the graph, decoded from the weight shards. */
export interface TfWeight {
  dtype: TfDtype;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

export interface TfjsGraph {
  nodes: TfNode[];
  weights: Map<string, TfWeight>;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: TfDtype;
  quantization?: { dtype: "float16" | "uint8" | "uint16"; scale?: number; min?: number };
}

interface ModelJson {
  modelTopology: { node: TfNode[] };
  weightsManifest: { paths: string[]; weights: ManifestEntry[] }[];
}

/**
 * Reads a TFJS graph model (model.json + binary weight shards). Weights are laid out back to
 * back across the concatenated shards of a group, in manifest order; quantised weights
 * (float16, or uint8/uint16 with scale and min) are expanded back to float32.
 */
export function readTfjsGraph(modelJsonPath: string): TfjsGraph {
  const json = JSON.parse(fs.readFileSync(modelJsonPath, "utf8")) as ModelJson;
  const dir = path.dirname(modelJsonPath);
  const weights = new Map<string, TfWeight>();
  for (const group of json.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(dir, p))));
    let offset = 0;
    for (const entry of group.weights) {
      const count = entry.shape.reduce((a, b) => a * b, 1);
      const q = entry.quantization;
      const width = q ? (q.dtype === "uint8" ? 1 : 2) : entry.dtype === "bool" ? 1 : 4;
      const slice = bytes.subarray(offset, offset + count * width);
      offset += count * width;
      weights.set(entry.name, { dtype: entry.dtype, shape: entry.shape, data: decode(entry, slice, count) });
    }
    if (offset !== bytes.length) throw new Error(`weights manifest covers ${offset} of ${bytes.length} bytes`);
  }
  return { nodes: json.modelTopology.node, weights };
}

function decode(entry: ManifestEntry, bytes: Buffer, count: number): TfWeight["data"] {
  const copy = new Uint8Array(bytes); // aligned copy
  const q = entry.quantization;
  if (!q) {
    if (entry.dtype === "bool") return copy;
    return entry.dtype === "int32" ? new Int32Array(copy.buffer, 0, count) : new Float32Array(copy.buffer, 0, count);
  }
  const out = new Float32Array(count);
  if (q.dtype === "float16") {
    const halves = new Uint16Array(copy.buffer, 0, count);
    for (let i = 0; i < count; i++) out[i] = halfToNumber(halves[i] as number);
  } else {
    const raw = q.dtype === "uint8" ? copy : new Uint16Array(copy.buffer, 0, count);
    for (let i = 0; i < count; i++) out[i] = (raw[i] as number) * (q.scale ?? 1) + (q.min ?? 0);
  }
  if (entry.dtype === "int32") return Int32Array.from(out, Math.round);
  return out;
}
