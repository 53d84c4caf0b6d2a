import { onnx } from "onnx-proto";
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

/**
 * A hostile text classifier whose compute grows with its input: a Loop whose trip count is
 * the sum of the token ids × `itersPerId`, each iteration a 64×64 MatMul. With all-zero ids
 * (the upload trial) it answers at once; with real text it computes for minutes. Output
 * `probabilities` float [batch, 2] (always [0.5, 0.5]). For the runaway-model tests.
 */
export function runawayTextClassifier(itersPerId = 1_000_000): Uint8Array {
  const D = 64;
  const tensorInfo = (name: string, elemType: number, dims: number[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
    });
  const { FLOAT, INT64, BOOL } = onnx.TensorProto.DataType;
  const body = onnx.GraphProto.create({
    name: "spin",
    input: [tensorInfo("iter", INT64, []), tensorInfo("cond_in", BOOL, []), tensorInfo("s_in", FLOAT, [D, D])],
    output: [tensorInfo("cond_out", BOOL, []), tensorInfo("s_out", FLOAT, [D, D])],
    node: [
      onnx.NodeProto.create({ name: "keep", opType: "Identity", input: ["cond_in"], output: ["cond_out"] }),
      onnx.NodeProto.create({ name: "mm", opType: "MatMul", input: ["s_in", "W"], output: ["s_mm"] }),
      onnx.NodeProto.create({ name: "squash", opType: "Tanh", input: ["s_mm"], output: ["s_out"] }),
    ],
  });
  const grid = Array.from({ length: D * D }, (_, i) => ((i * 7919) % 13) / 13 - 0.5);
  return buildOnnxModel({
    inputs: [
      { name: "input_ids", elemType: "INT64", shape: ["batch", "sequence"] },
      { name: "attention_mask", elemType: "INT64", shape: ["batch", "sequence"] },
    ],
    outputs: [{ name: "probabilities", elemType: "FLOAT", shape: ["batch", 2] }],
    initializers: [
      { name: "W", dims: [D, D], floatData: grid },
      { name: "S0", dims: [D, D], floatData: grid },
      { name: "per_id", dims: [], int64Data: [itersPerId] },
      { name: "zero", dims: [], floatData: [0] },
      { name: "axis1", dims: [1], int64Data: [1] },
    ],
    nodes: [
      {
        opType: "ReduceSum",
        inputs: ["input_ids"],
        outputs: ["id_sum"],
        attributes: [{ name: "keepdims", type: 2, i: 0 }],
      },
      { opType: "Mul", inputs: ["id_sum", "per_id"], outputs: ["trips"] },
      {
        opType: "Loop",
        inputs: ["trips", "", "S0"],
        outputs: ["s_final"],
        attributes: [{ name: "body", type: 5, g: body }],
      },
      {
        opType: "ReduceSum",
        inputs: ["s_final"],
        outputs: ["spun"],
        attributes: [{ name: "keepdims", type: 2, i: 0 }],
      },
      { opType: "Mul", inputs: ["spun", "zero"], outputs: ["nothing"] },
      { opType: "Cast", inputs: ["attention_mask"], outputs: ["maskf"], attributes: [{ name: "to", type: 2, i: 1 }] },
      {
        opType: "ReduceSum",
        inputs: ["maskf", "axis1"],
        outputs: ["len"],
        attributes: [{ name: "keepdims", type: 2, i: 1 }],
      },
      { opType: "Concat", inputs: ["len", "len"], outputs: ["pair"], attributes: [{ name: "axis", type: 2, i: 1 }] },
      { opType: "Add", inputs: ["pair", "nothing"], outputs: ["logits"] },
      {
        opType: "Softmax",
        inputs: ["logits"],
        outputs: ["probabilities"],
        attributes: [{ name: "axis", type: 2, i: 1 }],
      },
    ],
  });
}

/**
 * A small model that fits the text convention (input_ids + attention_mask → [batch, labels]):
 * scores depend on the text's length, so different texts get different answers.
 */
export function lengthTextClassifier(outputs = 3, seed = 1): Uint8Array {
  return buildOnnxModel({
    inputs: [
      { name: "input_ids", elemType: "INT64", shape: ["batch", "sequence"] },
      { name: "attention_mask", elemType: "INT64", shape: ["batch", "sequence"] },
    ],
    outputs: [{ name: "logits", elemType: "FLOAT", shape: ["batch", outputs] }],
    initializers: [
      { name: "axes", dims: [1], int64Data: [1] },
      {
        name: "W",
        dims: [1, outputs],
        floatData: Array.from({ length: outputs }, (_, i) => (((i + 1) * seed) % 7) / 7),
      },
      { name: "b", dims: [outputs], floatData: Array.from({ length: outputs }, () => 0.1) },
    ],
    nodes: [
      { opType: "Cast", inputs: ["attention_mask"], outputs: ["mask_f"], attributes: [{ name: "to", type: 2, i: 1 }] },
      { opType: "ReduceSum", inputs: ["mask_f", "axes"], outputs: ["length"] },
      { opType: "MatMul", inputs: ["length", "W"], outputs: ["lw"] },
      { opType: "Add", inputs: ["lw", "b"], outputs: ["logits"] },
    ],
  });
}

/**
 * `colourSegmenter`: a semantic-segmentation model that sees colours — NCHW 64×64 RGB (0..1)
 * in, class scores [1, classes, 16, 16] out (a quarter of the input, as DeepLab's heads):
 * background 0.5 everywhere, "red" R − (G + B)/2, "blue" B − (R + G)/2, each a 1×1
 * convolution averaged over 4×4 cells. On pure colours the best score is the true class, and
 * a boundary falls halfway between cells, so a mask can be checked against the picture drawn.
 */
export const COLOUR_SEGMENTER_LABELS = ["background", "red", "blue"];
export function colourSegmenter(classes = 3): Uint8Array {
  const weights = [0, 0, 0, 1, -0.5, -0.5, -0.5, -0.5, 1];
  const bias = [0.5, 0, 0];
  return buildOnnxModel({
    inputs: [{ name: "pixel_values", elemType: "FLOAT", shape: [1, 3, 64, 64] }],
    outputs: [{ name: "logits", elemType: "FLOAT", shape: [1, classes, 16, 16] }],
    initializers: [
      { name: "W", dims: [classes, 3, 1, 1], floatData: weights.slice(0, classes * 3) },
      { name: "B", dims: [classes], floatData: bias.slice(0, classes) },
    ],
    nodes: [
      { opType: "Conv", inputs: ["pixel_values", "W", "B"], outputs: ["full"] },
      {
        opType: "AveragePool",
        inputs: ["full"],
        outputs: ["logits"],
        attributes: [
          { name: "kernel_shape", type: 7, ints: [4, 4] },
          { name: "strides", type: 7, ints: [4, 4] },
        ],
      },
    ],
  });
}

const axes = (ints: number[]) => ({ name: "axes", type: 7, ints });
const noKeep = { name: "keepdims", type: 2, i: 0 };

/**
 * `brightRegionDetector`: a "face detector" for tests: it finds the bright region of a 64×64 NCHW image and answers one
 * row (x1, y1, x2, y2, score, centre x, centre y) in input pixels — the box's edges from the
 * brightest pixels' first and last columns and rows, the score 1 when any pixel is bright.
 */
export function brightRegionDetector(): Uint8Array {
  const coords = Array.from({ length: 64 }, (_, i) => i);
  return buildOnnxModel({
    inputs: [{ name: "image", elemType: "FLOAT", shape: [1, 3, 64, 64] }],
    outputs: [{ name: "faces", elemType: "FLOAT", shape: [1, 1, 7] }],
    initializers: [
      { name: "half", dims: [], floatData: [0.5] },
      { name: "two", dims: [], floatData: [2] },
      { name: "edge_after", dims: [64], floatData: coords.map((i) => i + 1) },
      { name: "from_end", dims: [64], floatData: coords.map((i) => 64 - i) },
      { name: "edge_after_y", dims: [64, 1], floatData: coords.map((i) => i + 1) },
      { name: "from_end_y", dims: [64, 1], floatData: coords.map((i) => 64 - i) },
      { name: "size", dims: [], floatData: [64] },
      { name: "row", dims: [3], int64Data: [1, 1, 7] },
    ],
    nodes: [
      { opType: "ReduceMean", inputs: ["image"], outputs: ["gray"], attributes: [axes([1]), noKeep] },
      { opType: "Greater", inputs: ["gray", "half"], outputs: ["bright"] },
      { opType: "Cast", inputs: ["bright"], outputs: ["mask"], attributes: [{ name: "to", type: 2, i: 1 }] },
      ...(
        [
          ["x2", "edge_after", false],
          ["x1_from_end", "from_end", false],
          ["y2", "edge_after_y", false],
          ["y1_from_end", "from_end_y", false],
        ] as const
      ).flatMap(([out, grid]) => [
        { opType: "Mul", inputs: ["mask", grid], outputs: [`${out}_grid`] },
        { opType: "ReduceMax", inputs: [`${out}_grid`], outputs: [out], attributes: [axes([1, 2]), noKeep] },
      ]),
      { opType: "Sub", inputs: ["size", "x1_from_end"], outputs: ["x1"] },
      { opType: "Sub", inputs: ["size", "y1_from_end"], outputs: ["y1"] },
      { opType: "ReduceMax", inputs: ["mask"], outputs: ["score"], attributes: [axes([1, 2]), noKeep] },
      { opType: "Add", inputs: ["x1", "x2"], outputs: ["x_sum"] },
      { opType: "Div", inputs: ["x_sum", "two"], outputs: ["cx"] },
      { opType: "Add", inputs: ["y1", "y2"], outputs: ["y_sum"] },
      { opType: "Div", inputs: ["y_sum", "two"], outputs: ["cy"] },
      {
        opType: "Concat",
        inputs: ["x1", "y1", "x2", "y2", "score", "cx", "cy"],
        outputs: ["flat"],
        attributes: [{ name: "axis", type: 2, i: 0 }],
      },
      { opType: "Reshape", inputs: ["flat", "row"], outputs: ["faces"] },
    ],
  });
}
