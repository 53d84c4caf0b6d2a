import { describe, expect, it } from "vitest";
import { buildOnnxModel } from "./build-onnx";
import { inspectOnnx, OnnxFormatError } from "./inspect-onnx";

const linear = (extra: Partial<Parameters<typeof buildOnnxModel>[0]> = {}) =>
  buildOnnxModel({
    inputs: [{ name: "x", elemType: "FLOAT", shape: ["batch", 2] }],
    outputs: [{ name: "y", elemType: "FLOAT", shape: ["batch", 2] }],
    initializers: [{ name: "W", dims: [2, 2], floatData: [1, 0, 0, 1] }],
    nodes: [{ opType: "MatMul", inputs: ["x", "W"], outputs: ["y"] }],
    ...extra,
  });

describe("inspectOnnx", () => {
  it("happy: reads inputs, outputs, opsets and counts from a model built in code", () => {
    const info = inspectOnnx(linear());
    expect(info.inputs).toEqual([{ name: "x", elemType: "float", shape: ["batch", 2] }]);
    expect(info.outputs).toEqual([{ name: "y", elemType: "float", shape: ["batch", 2] }]);
    expect(info.opsets).toEqual([{ domain: "", version: 17 }]);
    expect(info.nodeCount).toBe(1);
    expect(info.initializerCount).toBe(1);
    expect(info.customDomains).toEqual([]);
    expect(info.externalDataTensors).toEqual([]);
  });

  it("error: random bytes, an empty buffer and a graph-less proto are not models", () => {
    for (const bytes of [
      new Uint8Array([1, 2, 3, 4, 5, 250, 251]),
      new Uint8Array(0),
      new TextEncoder().encode("hello world"),
    ]) {
      expect(() => inspectOnnx(bytes)).toThrow(OnnxFormatError);
    }
  });

  it("security: reports external-data tensors and custom operator domains, also inside subgraphs", () => {
    const external = linear({ initializers: [{ name: "W", dims: [2, 2], externalLocation: "weights.bin" }] });
    expect(inspectOnnx(external).externalDataTensors).toEqual(["W"]);
    const nested = buildOnnxModel({
      inputs: [{ name: "c", elemType: "BOOL", shape: [] }],
      outputs: [{ name: "y", elemType: "FLOAT", shape: [1] }],
      nodes: [
        {
          opType: "If",
          inputs: ["c"],
          outputs: ["y"],
          attributes: [
            {
              name: "then_branch",
              type: 5,
              g: {
                name: "then",
                node: [{ opType: "Evil", domain: "custom.ops", input: [], output: ["t"] }],
                output: [{ name: "t" }],
              },
            },
          ],
        },
      ],
    });
    expect(inspectOnnx(nested).customDomains).toEqual(["custom.ops"]);
  });
});
