import { DATATYPES, elementCount, flatData, type WireTensor } from "@modelmarket/kserve";
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
 * Checks a request tensor's form before it reaches a worker: the error says which tensor is
 * wrong. `data` may be flat or nested like the shape (the protocol allows both).
 */
export function checkWireTensor(t: unknown, index: number): WireTensor {
  const where = `inputs[${index}]`;
  if (!t || typeof t !== "object") throw new Error(`${where} must be an object`);
  const { name, datatype, shape, data } = t as Partial<WireTensor>;
  if (typeof name !== "string" || !name) throw new Error(`${where}.name must be a non-empty string`);
  if (typeof datatype !== "string" || !DATATYPES.includes(datatype)) {
    throw new Error(`${where}.datatype must be one of ${DATATYPES.join(", ")}`);
  }
  if (!KSERVE_TO_ORT[datatype]) throw new Error(`${where}: ${datatype} tensors are not supported by this server`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${where}.shape must be an array of non-negative integers`);
  }
  if (!Array.isArray(data)) throw new Error(`${where}.data must be an array (flat or nested)`);
  const flat = flatData(data) as WireTensor["data"];
  const size = elementCount(shape);
  if (flat.length !== size) {
    throw new Error(`${where} has ${flat.length} values for shape [${shape.join(", ")}] (${size})`);
  }
  return { name, datatype, shape, data: flat };
}
