import { onnx } from "onnx-proto";

export interface TensorSignature {
  name: string;
  /** ONNX element type name, lower-case: "float", "int64", "string", ... */
  elemType: string;
  /** Dimensions; a symbolic or unknown dimension is its name or null. */
  shape: (number | string | null)[] | null;
}

export interface OnnxInspection {
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  nodeCount: number;
  initializerCount: number;
  /** Operator domains used by nodes that onnxruntime does not ship. */
  customDomains: string[];
  /** Initializers whose bytes live in a file outside the model. */
  externalDataTensors: string[];
}

export class OnnxFormatError extends Error {
  override name = "OnnxFormatError";
}

/** Operator domains built into onnxruntime; anything else needs a custom-op library. */
export const BUILTIN_DOMAINS = new Set(["", "ai.onnx", "ai.onnx.ml", "com.microsoft"]);

const ELEM_TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(onnx.TensorProto.DataType)
    .filter(([, v]) => typeof v === "number")
    .map(([k, v]) => [v as number, k.toLowerCase()]),
);

/**
 * Decodes a file as an ONNX ModelProto and reads what the platform needs from it,
 * without running anything. Throws OnnxFormatError when it is not a usable model.
 */
export function inspectOnnx(bytes: Uint8Array): OnnxInspection {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new OnnxFormatError(`not an ONNX model: ${(error as Error).message}`);
  }
  const irVersion = toNumber(model.irVersion);
  const graph = model.graph;
  if (!irVersion || !graph) throw new OnnxFormatError("not an ONNX model: no ir_version or no graph");
  if (!graph.node?.length) throw new OnnxFormatError("the ONNX graph has no nodes");
  if (!graph.output?.length) throw new OnnxFormatError("the ONNX graph declares no outputs");

  const initializerNames = new Set((graph.initializer ?? []).map((t) => t.name));
  const nodeDomains = new Set<string>();
  collectDomains(graph, nodeDomains);
  const externalDataTensors = (graph.initializer ?? [])
    .filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0)
    .map((t) => t.name ?? "");

  return {
    irVersion,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(" "),
    opsets: (model.opsetImport ?? []).map((o) => ({ domain: o.domain ?? "", version: toNumber(o.version) })),
    // Older exporters list initializers among the inputs; callers never feed those.
    inputs: (graph.input ?? []).filter((i) => !initializerNames.has(i.name)).map(signatureOf),
    outputs: graph.output.map(signatureOf),
    nodeCount: graph.node.length,
    initializerCount: graph.initializer?.length ?? 0,
    customDomains: [...nodeDomains].filter((d) => !BUILTIN_DOMAINS.has(d)).sort(),
    externalDataTensors,
  };
}

function collectDomains(graph: onnx.IGraphProto, into: Set<string>): void {
  for (const node of graph.node ?? []) {
    into.add(node.domain ?? "");
    // Control-flow nodes (If, Loop, Scan) carry subgraphs in attributes.
    for (const attr of node.attribute ?? []) {
      if (attr.g) collectDomains(attr.g, into);
      for (const g of attr.graphs ?? []) collectDomains(g, into);
    }
  }
}

function signatureOf(value: onnx.IValueInfoProto): TensorSignature {
  const tensor = value.type?.tensorType;
  return {
    name: value.name ?? "",
    elemType: tensor ? (ELEM_TYPE_NAMES[tensor.elemType ?? 0] ?? "undefined") : "non-tensor",
    shape: tensor?.shape
      ? (tensor.shape.dim ?? []).map((d) => (d.dimValue != null ? toNumber(d.dimValue) : d.dimParam || null))
      : null,
  };
}

function toNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value == null) return 0;
  return typeof value === "number" ? value : value.toNumber();
}
