import { elementCount, flatData, type InferRequest, type WireTensor } from "@modelmarket/kserve";
import type { Tensor } from "onnxruntime-node";

export type { WireTensor } from "@modelmarket/kserve";

/** Open Inference Protocol datatypes ↔ onnxruntime tensor types (BF16 has no onnxruntime-node type). */
export const KSERVE_TO_ORT: Record<string, Tensor.Type> = {
  FP16: "float16",
  FP32: "float32",
  FP64: "float64",
  INT64: "int64",
  INT32: "int32",
  INT16: "int16",
  INT8: "int8",
  UINT64: "uint64",
  UINT32: "uint32",
  UINT16: "uint16",
  UINT8: "uint8",
  BOOL: "bool",
  BYTES: "string",
};

export const ORT_TO_KSERVE: Record<string, string> = Object.fromEntries(
  Object.entries(KSERVE_TO_ORT).map(([k, v]) => [v, k]),
);

/**
 * What the request schema (inferRequestSchema) cannot check of a tensor before it reaches a
 * worker: that this runtime has its datatype, and that its data — flat or nested like the
 * shape, as the protocol allows — holds exactly the shape's elements. The error names the tensor.
 */
export function checkWireTensor(t: InferRequest["inputs"][number], index: number): WireTensor {
  const where = `inputs[${index}]`;
  if (!KSERVE_TO_ORT[t.datatype]) throw new Error(`${where}: ${t.datatype} tensors are not supported by this server`);
  const flat = flatData(t.data) as WireTensor["data"];
  const size = elementCount(t.shape);
  if (flat.length !== size) {
    throw new Error(`${where} has ${flat.length} values for shape [${t.shape.join(", ")}] (${size})`);
  }
  return { name: t.name, datatype: t.datatype, shape: t.shape, data: flat };
}
