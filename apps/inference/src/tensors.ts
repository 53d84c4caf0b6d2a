import type { Tensor } from "onnxruntime-node";

/** A tensor as KServe v2 JSON carries it: flat data in row-major order. */
export interface WireTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: (number | string | boolean)[];
}

/** KServe v2 datatypes ↔ onnxruntime tensor types. */
export const KSERVE_TO_ORT: Record<string, Tensor.Type> = {
  FP32: "float32",
  FP64: "float64",
  INT64: "int64",
  INT32: "int32",
  INT16: "int16",
  INT8: "int8",
  UINT8: "uint8",
  BOOL: "bool",
  BYTES: "string",
};

export const ORT_TO_KSERVE: Record<string, string> = Object.fromEntries(
  Object.entries(KSERVE_TO_ORT).map(([k, v]) => [v, k]),
);

/** Checks a request tensor's form before it reaches a worker: the error says which tensor is wrong. */
export function checkWireTensor(t: unknown, index: number): WireTensor {
  const where = `inputs[${index}]`;
  if (!t || typeof t !== "object") throw new Error(`${where} must be an object`);
  const { name, datatype, shape, data } = t as Partial<WireTensor>;
  if (typeof name !== "string" || !name) throw new Error(`${where}.name must be a non-empty string`);
  if (typeof datatype !== "string" || !KSERVE_TO_ORT[datatype]) {
    throw new Error(`${where}.datatype must be one of ${Object.keys(KSERVE_TO_ORT).join(", ")}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${where}.shape must be an array of non-negative integers`);
  }
  if (!Array.isArray(data)) throw new Error(`${where}.data must be a flat array`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size)
    throw new Error(`${where} has ${data.length} values for shape [${shape.join(", ")}] (${size})`);
  return { name, datatype, shape, data };
}
