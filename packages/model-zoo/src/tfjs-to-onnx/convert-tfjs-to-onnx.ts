import { OnnxGraphBuilder } from "./onnx-graph-builder";
import type { TfjsGraph, TfNode, TfWeight } from "./read-tfjs-graph";
import { type OpContext, type TensorKind, TF_OP_CONVERTERS, tfTypeKind } from "./tf-op-converters";

export interface ConvertOptions {
  /** Where to add the nodes (a builder that already holds a prelude), else a new one. */
  builder?: OnnxGraphBuilder;
  /** What feeds each TF placeholder: a graph input or a tensor the prelude computed. */
  inputs: { tf: string; tensor: string; kind: TensorKind }[];
  /** The TF tensors (`node` or `node:1`) the caller wants, in order. */
  outputs: string[];
}

export interface ConvertedGraph {
  builder: OnnxGraphBuilder;
  /** ONNX names of the requested outputs, in the order asked for. */
  outputs: string[];
}

/**
 * Converts a TFJS graph model into ONNX nodes, keeping only what the requested outputs need.
 * The caller may append nodes (a classification head) before writing the model with
 * `builder.toModel`. Throws, naming the node, on any op or attribute it does not support,
 * so an unsupported graph never converts into a silently different one.
 */
export function convertTfjsToOnnx(graph: TfjsGraph, options: ConvertOptions): ConvertedGraph {
  const b = options.builder ?? new OnnxGraphBuilder();
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const tensors = new Map<string, string>(); // TF tensor ref → ONNX name
  const kinds = new Map<string, TensorKind>(); // ONNX name → kind
  const constants = new Map<string, TfWeight>(); // ONNX name → value

  for (const input of options.inputs) {
    tensors.set(`${input.tf}:0`, input.tensor);
    kinds.set(input.tensor, input.kind);
  }

  const ref = (r: string) => {
    const [name, index] = r.split(":") as [string, string | undefined];
    return { name, key: `${name}:${index ?? 0}` };
  };

  const emit = (node: TfNode): void => {
    if (node.op === "Placeholder") {
      if (!tensors.has(`${node.name}:0`)) throw new Error(`placeholder ${node.name} is not a declared input`);
      return;
    }
    if (node.op === "Const") {
      const weight = graph.weights.get(node.name);
      if (!weight) throw new Error(`constant ${node.name} has no weight data`);
      const name = constantInitializer(b, node.name, weight);
      tensors.set(`${node.name}:0`, name);
      kinds.set(name, weight.dtype === "float32" ? "float" : weight.dtype === "int32" ? "int" : "bool");
      constants.set(name, weight);
      return;
    }
    const convert = TF_OP_CONVERTERS[node.op];
    if (!convert) throw new Error(`TF op ${node.op} (${node.name}) is not supported by the converter`);
    const inputs = dataInputs(node).map((r) => {
      const onnxName = tensors.get(ref(r).key);
      if (!onnxName) throw new Error(`${node.name}: input ${r} was not converted`);
      return onnxName;
    });
    const ctx: OpContext = {
      b,
      node,
      inputs,
      kind: (i) => kinds.get(inputs[i] as string) ?? "float",
      constant: (i) => constants.get(inputs[i] as string),
      attr: (name) => node.attr?.[name],
    };
    const result = convert(ctx);
    const declared = node.attr?.T?.type;
    result.outputs.forEach((out, i) => {
      tensors.set(`${node.name}:${i}`, out);
      kinds.set(out, result.kinds?.[i] ?? (declared !== undefined ? tfTypeKind(declared) : ctx.kind(0)));
    });
  };

  // Depth-first from the outputs: converts only what is needed, in dependency order.
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string): void => {
    const s = state.get(name);
    if (s === "done") return;
    if (s === "visiting") throw new Error(`the graph has a cycle through ${name}`);
    const node = byName.get(name);
    if (!node) throw new Error(`node ${name} does not exist`);
    state.set(name, "visiting");
    for (const r of dataInputs(node)) visit(ref(r).name);
    emit(node);
    state.set(name, "done");
  };
  const outputs = options.outputs.map((o) => {
    visit(ref(o).name);
    return tensors.get(ref(o).key) as string;
  });
  return { builder: b, outputs };
}

function dataInputs(node: TfNode): string[] {
  return (node.input ?? []).filter((i) => !i.startsWith("^"));
}

function constantInitializer(b: OnnxGraphBuilder, hint: string, w: TfWeight): string {
  if (w.dtype === "float32") return b.floats(hint, w.shape, w.data);
  if (w.dtype === "bool") return b.initializer(hint, "BOOL", w.shape, new Uint8Array(w.data));
  const wide = BigInt64Array.from(Array.from(w.data as Int32Array, (v) => BigInt(v)));
  return b.initializer(hint, "INT64", w.shape, new Uint8Array(wide.buffer));
}
