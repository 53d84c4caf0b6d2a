import { buildOnnxModel } from "./build-onnx";

/**
 * Small, hostile or tiny models for tests of whatever accepts ONNX files.
 *
 * `memoryBombModel`: a few hundred bytes asking for a ConstantOfShape of `floats` floats,
 * which onnxruntime tries to allocate (and constant-fold) while creating the session.
 */
export function memoryBombModel(floats: number): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: "x", elemType: "FLOAT", shape: [1] }],
    outputs: [{ name: "y", elemType: "FLOAT", shape: [1] }],
    initializers: [{ name: "shape", dims: [1], int64Data: [floats] }],
    nodes: [
      {
        opType: "ConstantOfShape",
        inputs: ["shape"],
        outputs: ["big"],
        attributes: [{ name: "value", type: 4, t: { dims: [1], dataType: 1, floatData: [1] } }],
      },
      { opType: "ReduceSum", inputs: ["big"], outputs: ["total"], attributes: [{ name: "keepdims", type: 2, i: 1 }] },
      { opType: "Add", inputs: ["x", "total"], outputs: ["y"] },
    ],
  });
}

/**
 * The smallest model of the text convention (docs/publishing.md): `input_ids` and
 * `attention_mask` int64 [batch, sequence] → the mask as floats, a [batch, sequence]
 * "embedding". For tests and benchmarks that publish and call a text model over HTTP.
 */
export function maskEmbeddingModel(producer = "modelmarket-test"): Uint8Array {
  return buildOnnxModel({
    inputs: [
      { name: "input_ids", elemType: "INT64", shape: ["batch", "sequence"] },
      { name: "attention_mask", elemType: "INT64", shape: ["batch", "sequence"] },
    ],
    outputs: [{ name: "mask", elemType: "FLOAT", shape: ["batch", "sequence"] }],
    nodes: [
      { opType: "Cast", inputs: ["attention_mask"], outputs: ["mask"], attributes: [{ name: "to", type: 2, i: 1 }] },
    ],
    producer,
  });
}
