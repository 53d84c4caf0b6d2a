import { onnx } from "onnx-proto";
import { describe, expect, it } from "vitest";
import { buildOnnxModel } from "./build-onnx";
import { OnnxFormatError } from "./inspect-onnx";
import { readFloatInitializer } from "./read-initializer";

const withFactors = (initializer: Parameters<typeof buildOnnxModel>[0]["initializers"]) =>
  buildOnnxModel({
    inputs: [{ name: "x", elemType: "FLOAT", shape: ["batch", 2] }],
    outputs: [{ name: "y", elemType: "FLOAT", shape: ["batch", 3] }],
    initializers: initializer,
    nodes: [{ opType: "MatMul", inputs: ["x", "W"], outputs: ["y"] }],
  });

describe("readFloatInitializer", () => {
  it("happy: reads float_data and raw_data (little-endian, as PyTorch writes it) to the same values", () => {
    const values = [1.5, -2, 0.25, 3, 4, -0.125];
    const fromFloats = readFloatInitializer(withFactors([{ name: "W", dims: [2, 3], floatData: values }]), "W");
    expect(fromFloats?.dims).toEqual([2, 3]);
    expect([...(fromFloats?.data ?? [])]).toEqual(values);

    const model = onnx.ModelProto.decode(withFactors([{ name: "W", dims: [2, 3], floatData: values }]));
    const raw = Buffer.alloc(values.length * 4 + 1);
    for (const [i, v] of values.entries()) raw.writeFloatLE(v, 1 + i * 4);
    const tensor = model.graph?.initializer?.[0] as onnx.TensorProto;
    tensor.floatData = [];
    // An unaligned view: the decoder's buffers need not start on a 4-byte boundary.
    tensor.rawData = raw.subarray(1);
    const fromRaw = readFloatInitializer(onnx.ModelProto.encode(model).finish(), "W");
    expect([...(fromRaw?.data ?? [])]).toEqual(values);
  });

  it("error: a missing name is null; an external, non-float or short tensor is refused", () => {
    const model = withFactors([{ name: "W", dims: [2, 3], floatData: [1, 2, 3, 4, 5, 6] }]);
    expect(readFloatInitializer(model, "item_factors")).toBeNull();
    expect(() =>
      readFloatInitializer(withFactors([{ name: "W", dims: [2, 3], externalLocation: "w.bin" }]), "W"),
    ).toThrow(/outside the model file/);
    expect(() => readFloatInitializer(withFactors([{ name: "W", dims: [2], int64Data: [1, 2] }]), "W")).toThrow(
      /int64, not float/,
    );
    expect(() => readFloatInitializer(withFactors([{ name: "W", dims: [2, 3], floatData: [1, 2] }]), "W")).toThrow(
      OnnxFormatError,
    );
  });
});
