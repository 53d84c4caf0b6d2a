import { DATATYPE_BYTES, elementCount, type WireTensor } from "./wire-tensor";

/**
 * The binary tensor extension of the Open Inference Protocol (Triton's
 * `binary_tensor_data`, which KServe v2 servers and clients share): the body is a JSON header
 * of `Inference-Header-Content-Length` bytes, followed by each binary tensor's raw bytes in
 * the order the header lists them; a tensor in binary has `parameters.binary_data_size` and
 * no `data`. Numbers are little-endian; a BYTES element is a 4-byte little-endian length and
 * then its bytes. A response carries outputs in binary when the request asks
 * (`parameters.binary_data_output: true`, or `binary_data: true` on a requested output).
 */
export const HEADER_LENGTH = "inference-header-content-length";

/** Splits a binary-extension body into its JSON header and its tensors' data. */
export function decodeBinaryBody<T extends { inputs?: unknown; outputs?: unknown }>(
  body: Buffer,
  headerLength: number,
  tensorsKey: "inputs" | "outputs",
): T {
  if (!Number.isInteger(headerLength) || headerLength < 0 || headerLength > body.length) {
    throw new Error(`${HEADER_LENGTH} is ${headerLength} but the body has ${body.length} bytes`);
  }
  const header = JSON.parse(body.subarray(0, headerLength).toString("utf8")) as T;
  const tensors = header[tensorsKey];
  let offset = headerLength;
  if (Array.isArray(tensors)) {
    for (const [i, t] of tensors.entries()) {
      const size = (t as WireTensor | null)?.parameters?.binary_data_size;
      if (size === undefined) continue;
      const tensor = t as WireTensor;
      if (!Number.isInteger(size) || (size as number) < 0 || offset + (size as number) > body.length) {
        throw new Error(`${tensorsKey}[${i}].parameters.binary_data_size runs past the end of the body`);
      }
      if (tensor.data !== undefined) throw new Error(`${tensorsKey}[${i}] has both data and binary_data_size`);
      tensor.data = bytesToValues(tensor, body.subarray(offset, offset + (size as number)), `${tensorsKey}[${i}]`);
      offset += size as number;
    }
  }
  if (offset !== body.length) throw new Error(`${body.length - offset} bytes after the last binary tensor`);
  return header;
}

/**
 * A JSON header plus the named tensors in binary: returns the body and the header's length
 * (sent as Inference-Header-Content-Length). Tensors not in `binary` stay JSON.
 */
export function encodeBinaryBody(
  header: Record<string, unknown>,
  tensorsKey: "inputs" | "outputs",
  tensors: WireTensor[],
  binary: (tensor: WireTensor) => boolean,
): { body: Buffer; headerLength: number } {
  const blobs: Buffer[] = [];
  const described = tensors.map((t) => {
    if (!binary(t)) return t;
    const bytes = valuesToBytes(t);
    blobs.push(bytes);
    const { data: _data, ...rest } = t;
    return { ...rest, parameters: { ...t.parameters, binary_data_size: bytes.length } };
  });
  const json = Buffer.from(JSON.stringify({ ...header, [tensorsKey]: described }), "utf8");
  return { body: Buffer.concat([json, ...blobs]), headerLength: json.length };
}

/** One tensor's raw little-endian bytes as flat values (BigInt-free: INT64 within ±2^53). */
export function bytesToValues(t: WireTensor, bytes: Buffer, where: string): (number | string | boolean)[] {
  const count = elementCount(t.shape);
  if (t.datatype === "BYTES") {
    const values: string[] = [];
    let at = 0;
    while (at < bytes.length) {
      if (at + 4 > bytes.length) throw new Error(`${where}: truncated BYTES element`);
      const length = bytes.readUInt32LE(at);
      if (at + 4 + length > bytes.length) throw new Error(`${where}: truncated BYTES element`);
      values.push(bytes.toString("utf8", at + 4, at + 4 + length));
      at += 4 + length;
    }
    if (values.length !== count) throw new Error(`${where}: ${values.length} BYTES elements for ${count}`);
    return values;
  }
  const size = DATATYPE_BYTES[t.datatype];
  if (!size) throw new Error(`${where}: unknown datatype ${t.datatype}`);
  if (bytes.length !== count * size) {
    throw new Error(`${where}: binary_data_size ${bytes.length} is not ${count} × ${size} bytes of ${t.datatype}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = READ[t.datatype] as (v: DataView, at: number) => number | boolean;
  const values = new Array<number | boolean>(count);
  for (let i = 0; i < count; i++) values[i] = read(view, i * size);
  return values;
}

/** Flat values as raw little-endian bytes of the tensor's datatype. */
export function valuesToBytes(t: WireTensor): Buffer {
  if (t.datatype === "BYTES") {
    const parts = t.data.map((v) => Buffer.from(String(v), "utf8"));
    const out = Buffer.allocUnsafe(parts.reduce((n, p) => n + 4 + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.writeUInt32LE(p.length, at);
      p.copy(out, at + 4);
      at += 4 + p.length;
    }
    return out;
  }
  const size = DATATYPE_BYTES[t.datatype];
  if (!size) throw new Error(`unknown datatype ${t.datatype}`);
  // Float32 is the hot case (embeddings, logits): one typed-array copy.
  if (t.datatype === "FP32") {
    const f = Float32Array.from(t.data as number[]);
    return Buffer.from(f.buffer, f.byteOffset, f.byteLength);
  }
  const out = Buffer.allocUnsafe(t.data.length * size);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const write = WRITE[t.datatype] as (v: DataView, at: number, value: number | boolean | string) => void;
  for (let i = 0; i < t.data.length; i++) write(view, i * size, t.data[i] as number);
  return out;
}

const READ: Record<string, (v: DataView, at: number) => number | boolean> = {
  BOOL: (v, at) => v.getUint8(at) !== 0,
  UINT8: (v, at) => v.getUint8(at),
  UINT16: (v, at) => v.getUint16(at, true),
  UINT32: (v, at) => v.getUint32(at, true),
  UINT64: (v, at) => Number(v.getBigUint64(at, true)),
  INT8: (v, at) => v.getInt8(at),
  INT16: (v, at) => v.getInt16(at, true),
  INT32: (v, at) => v.getInt32(at, true),
  INT64: (v, at) => Number(v.getBigInt64(at, true)),
  FP16: (v, at) => halfToNumber(v.getUint16(at, true)),
  BF16: (v, at) => bfloat16ToNumber(v.getUint16(at, true)),
  FP32: (v, at) => v.getFloat32(at, true),
  FP64: (v, at) => v.getFloat64(at, true),
};

const WRITE: Record<string, (v: DataView, at: number, value: number | boolean | string) => void> = {
  BOOL: (v, at, x) => v.setUint8(at, x === true || x === 1 ? 1 : 0),
  UINT8: (v, at, x) => v.setUint8(at, Number(x)),
  UINT16: (v, at, x) => v.setUint16(at, Number(x), true),
  UINT32: (v, at, x) => v.setUint32(at, Number(x), true),
  UINT64: (v, at, x) => v.setBigUint64(at, BigInt(Math.trunc(Number(x))), true),
  INT8: (v, at, x) => v.setInt8(at, Number(x)),
  INT16: (v, at, x) => v.setInt16(at, Number(x), true),
  INT32: (v, at, x) => v.setInt32(at, Number(x), true),
  INT64: (v, at, x) => v.setBigInt64(at, BigInt(Math.trunc(Number(x))), true),
  FP16: (v, at, x) => v.setUint16(at, numberToHalf(Number(x)), true),
  BF16: (v, at, x) => v.setUint16(at, numberToBfloat16(Number(x)), true),
  FP32: (v, at, x) => v.setFloat32(at, Number(x), true),
  FP64: (v, at, x) => v.setFloat64(at, Number(x), true),
};

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half precision → number. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** number → IEEE 754 half precision, rounded to nearest even. */
export function numberToHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    return sign | (half + (rest > halfway || (rest === halfway && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/** bfloat16 (the top 16 bits of a float32) → number. */
export function bfloat16ToNumber(b: number): number {
  u32[0] = b << 16;
  return f32[0] as number;
}

/** number → bfloat16, rounded to nearest even. */
export function numberToBfloat16(x: number): number {
  f32[0] = x;
  const bits = u32[0] as number;
  if (Number.isNaN(x)) return 0x7fc0;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}
