/**
 * A tensor as the Open Inference Protocol (KServe v2) carries it in JSON: flat `data` in
 * row-major order. With the binary tensor extension `data` is absent from the JSON and the
 * bytes follow the JSON header (binary-tensors.ts); decoded, they are the same flat array.
 */
export interface WireTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: (number | string | boolean)[];
  parameters?: Record<string, unknown>;
}

/** Every datatype of the protocol, with its element size in the binary extension (BYTES: variable). */
export const DATATYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  UINT8: 1,
  UINT16: 2,
  UINT32: 4,
  UINT64: 8,
  INT8: 1,
  INT16: 2,
  INT32: 4,
  INT64: 8,
  FP16: 2,
  BF16: 2,
  FP32: 4,
  FP64: 8,
  BYTES: 0,
};

export const DATATYPES = Object.keys(DATATYPE_BYTES);

/** Elements in a tensor of this shape. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The protocol allows `data` nested like the shape ([[1, 2], [3, 4]]) as well as flat; both
 * mean the same row-major elements.
 */
export function flatData(data: unknown[]): unknown[] {
  return data.some(Array.isArray) ? (data.flat(Number.POSITIVE_INFINITY) as unknown[]) : data;
}
