import { onnx } from "onnx-proto";
import { OnnxFormatError } from "./inspect-onnx";

export interface FloatTensor {
  name: string;
  dims: number[];
  data: Float32Array;
}

/**
 * A float32 initializer of a model by name, whichever way the exporter stored it (`float_data`
 * as builders write it, `raw_data` little-endian as PyTorch and tf2onnx do); null when the
 * graph has no such initializer. Refuses one stored outside the model file or of another type:
 * the caller asked for weights it will compute with.
 */
export function readFloatInitializer(bytes: Uint8Array, name: string): FloatTensor | null {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new OnnxFormatError(`not an ONNX model: ${(error as Error).message}`);
  }
  const tensor = model.graph?.initializer?.find((t) => t.name === name);
  if (!tensor) return null;
  const dims = (tensor.dims ?? []).map((d) => (typeof d === "number" ? d : d.toNumber()));
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (tensor.externalData?.length ?? 0) > 0) {
    throw new OnnxFormatError(`initializer "${name}" is stored outside the model file`);
  }
  if (tensor.dataType !== onnx.TensorProto.DataType.FLOAT) {
    const type = onnx.TensorProto.DataType[tensor.dataType ?? 0] ?? String(tensor.dataType);
    throw new OnnxFormatError(`initializer "${name}" is ${type.toLowerCase()}, not float`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  let data: Float32Array;
  if (tensor.rawData?.length) {
    if (tensor.rawData.length !== count * 4) {
      throw new OnnxFormatError(`initializer "${name}" holds ${tensor.rawData.length} bytes, not ${count} floats`);
    }
    // Copy: the decoded buffer's offset need not be 4-byte aligned.
    const view = new DataView(tensor.rawData.buffer, tensor.rawData.byteOffset, tensor.rawData.byteLength);
    data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
  } else {
    data = Float32Array.from(tensor.floatData ?? []);
    if (data.length !== count) {
      throw new OnnxFormatError(`initializer "${name}" holds ${data.length} floats, not ${count}`);
    }
  }
  return { name, dims, data };
}
