import type { OnnxGraphBuilder } from "./onnx-graph-builder";
import type { TfAttr, TfNode, TfWeight } from "./read-tfjs-graph";

/**
 * Every TF integer tensor becomes int64 in ONNX: TFJS already folds int64 into int32, ONNX
 * wants int64 for shapes, indices and axes, and one integer width means no Cast between ops.
 */
export type TensorKind = "float" | "int" | "bool";

export interface OpContext {
  b: OnnxGraphBuilder;
  node: TfNode;
  /** ONNX names of the node's data inputs (control inputs dropped). */
  inputs: string[];
  kind(i: number): TensorKind;
  /** The value of input `i` when it is a constant of the graph. */
  constant(i: number): TfWeight | undefined;
  attr(name: string): TfAttr | undefined;
}

export interface OpConversion {
  outputs: string[];
  kinds?: TensorKind[];
}

type Converter = (c: OpContext) => OpConversion;

// "To the end" for Slice, which clamps; 2^62 is exact in a double, unlike 2^63 - 1.
const INT64_MAX = 2 ** 62;
const INT64_MIN = -(2 ** 62);

export function tfTypeKind(type: number | string | undefined): TensorKind {
  const name =
    typeof type === "string"
      ? type
      : ({ 1: "DT_FLOAT", 3: "DT_INT32", 9: "DT_INT64", 10: "DT_BOOL" }[type ?? 1] ?? "?");
  if (name === "DT_FLOAT" || name === "DT_HALF" || name === "DT_DOUBLE") return "float";
  if (name === "DT_BOOL") return "bool";
  if (name === "DT_INT32" || name === "DT_INT64") return "int";
  throw new Error(`unsupported TF dtype ${type}`);
}

const int = (c: OpContext, name: string, fallback = 0): number => Number(c.attr(name)?.i ?? fallback);
const bool = (c: OpContext, name: string): boolean => c.attr(name)?.b === true;
const ints = (c: OpContext, name: string): number[] => (c.attr(name)?.list?.i ?? []).map(Number);
const str = (c: OpContext, name: string, fallback = ""): string => {
  const s = c.attr(name)?.s;
  return s === undefined ? fallback : Buffer.from(s, "base64").toString();
};
const strs = (c: OpContext, name: string): string[] =>
  (c.attr(name)?.list?.s ?? []).map((s) => Buffer.from(s, "base64").toString());

function constValues(c: OpContext, i: number, what: string): number[] {
  const value = c.constant(i);
  if (!value) throw new Error(`${c.node.op} ${c.node.name}: ${what} must be a constant`);
  return Array.from(value.data as ArrayLike<number>);
}

const one = (output: string, kinds?: TensorKind[]): OpConversion => ({ outputs: [output], kinds });

const unary =
  (opType: string): Converter =>
  (c) =>
    one(c.b.op(opType, [c.inputs[0] as string]));
const binary =
  (opType: string, kind?: TensorKind): Converter =>
  (c) =>
    one(c.b.op(opType, c.inputs.slice(0, 2)), kind ? [kind] : undefined);

function reduce(opType: string): Converter {
  return (c) => {
    const axes = constValues(c, 1, "reduction axes");
    const keepdims = bool(c, "keep_dims") || bool(c, "keepdims") ? 1 : 0;
    return one(c.b.op(opType, [c.inputs[0] as string, c.b.int64s(axes)], { keepdims: { int: keepdims } }));
  };
}

/** NHWC → NCHW, the ONNX op, then back; onnxruntime's layout optimiser folds the transposes. */
function inNchw(c: OpContext, x: string, body: (nchw: string) => string): string {
  if (str(c, "data_format", "NHWC") !== "NHWC") throw new Error(`${c.node.name}: only NHWC is supported`);
  const nchw = c.b.op("Transpose", [x], { perm: { ints: [0, 3, 1, 2] } });
  return c.b.op("Transpose", [body(nchw)], { perm: { ints: [0, 2, 3, 1] } });
}

function spatial(c: OpContext, name: string): number[] {
  const values = ints(c, name);
  return values.length === 4 ? [values[1] as number, values[2] as number] : [1, 1];
}

function padding(c: OpContext): { str: string } {
  const p = str(c, "padding");
  if (p === "SAME") return { str: "SAME_UPPER" };
  if (p === "VALID") return { str: "VALID" };
  throw new Error(`${c.node.name}: padding ${p} is not supported`);
}

function activation(c: OpContext, x: string, fused: string[]): string {
  let y = x;
  for (const op of fused) {
    if (op === "BiasAdd" || op === "FusedBatchNorm") continue;
    if (op === "Relu") y = c.b.op("Relu", [y]);
    else if (op === "Relu6") y = c.b.op("Clip", [y, c.b.floats("zero", [], [0]), c.b.floats("six", [], [6])]);
    else if (op === "Sigmoid") y = c.b.op("Sigmoid", [y]);
    else if (op === "Elu") y = c.b.op("Elu", [y]);
    else throw new Error(`${c.node.name}: fused op ${op} is not supported`);
  }
  return y;
}

function conv(depthwise: boolean): Converter {
  return (c) => {
    const fused = strs(c, "fused_ops");
    if (fused.includes("FusedBatchNorm") || (fused.length && !fused.includes("BiasAdd"))) {
      throw new Error(`${c.node.name}: fused ops ${fused.join(",")} are not supported`);
    }
    const filter = c.constant(1);
    let weights: string;
    let group = 1;
    if (depthwise) {
      // [H, W, C, M] → [C·M, 1, H, W], one group per input channel.
      if (!filter) throw new Error(`${c.node.name}: depthwise filter must be constant`);
      const [h, w, channels, multiplier] = filter.shape as [number, number, number, number];
      group = channels;
      const cmhw = c.b.op("Transpose", [c.inputs[1] as string], { perm: { ints: [2, 3, 0, 1] } });
      weights = c.b.op("Reshape", [cmhw, c.b.int64s([channels * multiplier, 1, h, w])]);
    } else {
      weights = c.b.op("Transpose", [c.inputs[1] as string], { perm: { ints: [3, 2, 0, 1] } });
    }
    const bias = fused.includes("BiasAdd") ? [c.inputs[2] as string] : [];
    const y = inNchw(c, c.inputs[0] as string, (x) =>
      activation(
        c,
        c.b.op("Conv", [x, weights, ...bias], {
          strides: { ints: spatial(c, "strides") },
          dilations: { ints: spatial(c, "dilations") },
          auto_pad: padding(c),
          group: { int: group },
        }),
        fused,
      ),
    );
    return one(y);
  };
}

function pool(opType: string): Converter {
  return (c) =>
    one(
      inNchw(c, c.inputs[0] as string, (x) =>
        c.b.op(opType, [x], {
          kernel_shape: { ints: spatial(c, "ksize") },
          strides: { ints: spatial(c, "strides") },
          auto_pad: padding(c),
        }),
      ),
    );
}

function resize(mode: "linear" | "nearest"): Converter {
  return (c) => {
    const x = c.inputs[0] as string;
    const shape = c.b.op("Shape", [x]);
    const batch = c.b.op("Slice", [shape, c.b.int64s([0]), c.b.int64s([1])]);
    const channels = c.b.op("Slice", [shape, c.b.int64s([3]), c.b.int64s([4])]);
    const sizes = c.b.op("Concat", [batch, c.inputs[1] as string, channels], { axis: { int: 0 } });
    const transform = bool(c, "align_corners")
      ? "align_corners"
      : bool(c, "half_pixel_centers")
        ? "half_pixel"
        : "asymmetric";
    return one(
      c.b.op("Resize", [x, "", "", sizes], {
        mode: { str: mode },
        coordinate_transformation_mode: { str: transform },
        ...(mode === "nearest"
          ? { nearest_mode: { str: transform === "align_corners" ? "round_prefer_ceil" : "floor" } }
          : {}),
      }),
    );
  };
}

function stridedSlice(c: OpContext): OpConversion {
  if (int(c, "ellipsis_mask") || int(c, "new_axis_mask")) {
    throw new Error(`${c.node.name}: StridedSlice with ellipsis or new axes is not supported`);
  }
  const begin = constValues(c, 1, "begin");
  const end = constValues(c, 2, "end");
  const strides = constValues(c, 3, "strides");
  const beginMask = int(c, "begin_mask");
  const endMask = int(c, "end_mask");
  const shrinkMask = int(c, "shrink_axis_mask");
  const starts: number[] = [];
  const ends: number[] = [];
  const shrink: number[] = [];
  begin.forEach((b, axis) => {
    const stride = strides[axis] as number;
    const bit = 1 << axis;
    if (shrinkMask & bit) {
      starts.push(b);
      ends.push(b === -1 ? INT64_MAX : b + 1);
      shrink.push(axis);
      return;
    }
    starts.push(beginMask & bit ? (stride > 0 ? 0 : INT64_MAX) : b);
    ends.push(endMask & bit ? (stride > 0 ? INT64_MAX : INT64_MIN) : (end[axis] as number));
  });
  const axes = begin.map((_, i) => i);
  let y = c.b.op("Slice", [
    c.inputs[0] as string,
    c.b.int64s(starts),
    c.b.int64s(ends),
    c.b.int64s(axes),
    c.b.int64s(strides),
  ]);
  if (shrink.length) y = c.b.op("Squeeze", [y, c.b.int64s(shrink)]);
  return one(y);
}

/** Zero (or another scalar) of the kind of input `i`, broadcast to `shape`. */
function filled(c: OpContext, value: string, shape: string): string {
  return c.b.op("Expand", [value, shape]);
}

function scalarOfKind(c: OpContext, kind: TensorKind, v: number): string {
  if (kind === "float") return c.b.floats("scalar", [], [v]);
  if (kind === "int") return c.b.int64s([v], []);
  throw new Error(`${c.node.name}: no scalar of kind ${kind}`);
}

export const TF_OP_CONVERTERS: Record<string, Converter> = {
  Identity: unary("Identity"),
  StopGradient: unary("Identity"),
  Sigmoid: unary("Sigmoid"),
  Tanh: unary("Tanh"),
  Sin: unary("Sin"),
  Cos: unary("Cos"),
  Relu: unary("Relu"),
  Sqrt: unary("Sqrt"),
  Exp: unary("Exp"),
  Log: unary("Log"),
  Neg: unary("Neg"),
  Abs: unary("Abs"),
  Floor: unary("Floor"),
  Softmax: unary("Softmax"),
  LogicalNot: unary("Not"),
  Relu6: (c) => one(activation(c, c.inputs[0] as string, ["Relu6"])),
  Rsqrt: (c) => one(c.b.op("Reciprocal", [c.b.op("Sqrt", [c.inputs[0] as string])])),
  Square: (c) => one(c.b.op("Mul", [c.inputs[0] as string, c.inputs[0] as string])),
  Add: binary("Add"),
  AddN: (c) => one(c.b.op("Sum", c.inputs)),
  AddV2: binary("Add"),
  BiasAdd: (c) => {
    if (str(c, "data_format", "NHWC") !== "NHWC") throw new Error(`${c.node.name}: BiasAdd must be NHWC`);
    return one(c.b.op("Add", c.inputs.slice(0, 2)));
  },
  Sub: binary("Sub"),
  Mul: binary("Mul"),
  RealDiv: binary("Div"),
  Maximum: binary("Max"),
  Minimum: binary("Min"),
  Pow: binary("Pow"),
  Less: binary("Less", "bool"),
  Greater: binary("Greater", "bool"),
  LessEqual: binary("LessOrEqual", "bool"),
  GreaterEqual: binary("GreaterOrEqual", "bool"),
  Equal: binary("Equal", "bool"),
  LogicalAnd: binary("And", "bool"),
  FloorDiv: (c) => {
    const q = c.b.op("Div", c.inputs.slice(0, 2));
    // Integer Div truncates; the graphs we convert divide non-negative indices only.
    return one(c.kind(0) === "int" ? q : c.b.op("Floor", [q]));
  },
  FloorMod: (c) => {
    const [x, y] = c.inputs as [string, string];
    if (c.kind(0) === "int") return one(c.b.op("Mod", [x, y], { fmod: { int: 0 } }));
    const floored = c.b.op("Floor", [c.b.op("Div", [x, y])]);
    return one(c.b.op("Sub", [x, c.b.op("Mul", [floored, y])]));
  },
  Cast: (c) => {
    const kind = tfTypeKind(c.attr("DstT")?.type);
    const to = kind === "float" ? 1 : kind === "int" ? 7 : 9;
    return one(c.b.op("Cast", [c.inputs[0] as string], { to: { int: to } }), [kind]);
  },
  Shape: (c) => one(c.b.op("Shape", [c.inputs[0] as string]), ["int"]),
  Reshape: (c) => one(c.b.op("Reshape", c.inputs.slice(0, 2))),
  ExpandDims: (c) => one(c.b.op("Unsqueeze", [c.inputs[0] as string, c.b.int64s(constValues(c, 1, "dim"))])),
  Squeeze: (c) => {
    const axes = ints(c, "squeeze_dims");
    return one(c.b.op("Squeeze", axes.length ? [c.inputs[0] as string, c.b.int64s(axes)] : [c.inputs[0] as string]));
  },
  Pad: (c) => {
    // TF: paddings [rank, 2] (before, after per axis); ONNX: all befores, then all afters.
    const p = constValues(c, 1, "paddings");
    const rank = p.length / 2;
    const pads = [
      ...Array.from({ length: rank }, (_, i) => p[2 * i] as number),
      ...Array.from({ length: rank }, (_, i) => p[2 * i + 1] as number),
    ];
    return one(c.b.op("Pad", [c.inputs[0] as string, c.b.int64s(pads)]));
  },
  Transpose: (c) => one(c.b.op("Transpose", [c.inputs[0] as string], { perm: { ints: constValues(c, 1, "perm") } })),
  ConcatV2: (c) => {
    const axis = constValues(c, c.inputs.length - 1, "axis")[0] as number;
    return one(c.b.op("Concat", c.inputs.slice(0, -1), { axis: { int: axis } }));
  },
  Pack: (c) => {
    const axis = int(c, "axis");
    const parts = c.inputs.map((x) => c.b.op("Unsqueeze", [x, c.b.int64s([axis])]));
    return one(c.b.op("Concat", parts, { axis: { int: axis } }));
  },
  GatherV2: (c) => {
    if (int(c, "batch_dims")) throw new Error(`${c.node.name}: batch_dims is not supported`);
    const axis = constValues(c, 2, "axis")[0] as number;
    return one(c.b.op("Gather", c.inputs.slice(0, 2), { axis: { int: axis } }));
  },
  GatherNd: (c) => one(c.b.op("GatherND", c.inputs.slice(0, 2))),
  StridedSlice: stridedSlice,
  Slice: (c) => {
    const [x, begin, size] = c.inputs as [string, string, string];
    // size -1 means "to the end".
    const isRest = c.b.op("Equal", [size, c.b.int64s([-1], [])]);
    const ends = c.b.op("Where", [isRest, c.b.int64s([INT64_MAX], []), c.b.op("Add", [begin, size])]);
    return one(c.b.op("Slice", [x, begin, ends]));
  },
  Sum: reduce("ReduceSum"),
  Mean: reduce("ReduceMean"),
  Max: reduce("ReduceMax"),
  Min: reduce("ReduceMin"),
  Prod: reduce("ReduceProd"),
  MatMul: (c) => {
    const t = (x: string) => c.b.op("Transpose", [x], { perm: { ints: [1, 0] } });
    const a = bool(c, "transpose_a") ? t(c.inputs[0] as string) : (c.inputs[0] as string);
    const bb = bool(c, "transpose_b") ? t(c.inputs[1] as string) : (c.inputs[1] as string);
    return one(c.b.op("MatMul", [a, bb]));
  },
  BatchMatMul: batchMatMul,
  BatchMatMulV2: batchMatMul,
  Conv2D: conv(false),
  _FusedConv2D: conv(false),
  DepthwiseConv2dNative: conv(true),
  Conv2DBackpropInput: (c) => {
    // TF: (input_sizes NHWC, filter [H, W, out, in], x); ONNX ConvTranspose: W [in, out, H, W].
    const sizes = constValues(c, 0, "input_sizes");
    const weights = c.b.op("Transpose", [c.inputs[1] as string], { perm: { ints: [3, 2, 0, 1] } });
    const y = inNchw(c, c.inputs[2] as string, (x) =>
      c.b.op("ConvTranspose", [x, weights], {
        strides: { ints: spatial(c, "strides") },
        dilations: { ints: spatial(c, "dilations") },
        // The gradient of a SAME convolution pads as it did: the smaller half first.
        output_shape: { ints: [sizes[1] as number, sizes[2] as number] },
        auto_pad: padding(c),
      }),
    );
    return one(y);
  },
  FusedDepthwiseConv2dNative: conv(true),
  MaxPool: pool("MaxPool"),
  AvgPool: pool("AveragePool"),
  ResizeBilinear: resize("linear"),
  ResizeNearestNeighbor: resize("nearest"),
  TopKV2: (c) => {
    const k = c.b.op("Reshape", [c.inputs[1] as string, c.b.int64s([1])]);
    const outputs = c.b.node(
      "TopK",
      [c.inputs[0] as string, k],
      { axis: { int: -1 }, largest: { int: 1 }, sorted: { int: 1 } },
      2,
    );
    return { outputs, kinds: [c.kind(0), "int"] };
  },
  Where: (c) => {
    if (c.inputs.length === 3) return one(c.b.op("Where", c.inputs), [c.kind(1)]);
    // TF: coordinates of true elements as [count, rank]; ONNX NonZero gives [rank, count].
    return one(c.b.op("Transpose", [c.b.op("NonZero", [c.inputs[0] as string])], { perm: { ints: [1, 0] } }), ["int"]);
  },
  Select: (c) => one(c.b.op("Where", c.inputs), [c.kind(1)]),
  SelectV2: (c) => one(c.b.op("Where", c.inputs), [c.kind(1)]),
  Range: (c) => one(c.b.op("Range", c.inputs), [c.kind(0)]),
  Fill: (c) => one(filled(c, c.inputs[1] as string, c.inputs[0] as string), [c.kind(1)]),
  SplitV: (c) => {
    const sizes = constValues(c, 1, "size_splits");
    if (sizes.some((s) => s < 0)) throw new Error(`${c.node.name}: SplitV with an inferred size is not supported`);
    const axis = constValues(c, 2, "split dim")[0] as number;
    return {
      outputs: c.b.node("Split", [c.inputs[0] as string, c.b.int64s(sizes)], { axis: { int: axis } }, sizes.length),
    };
  },
  SparseToDense: (c) => {
    const [indices, outputShape, values, defaultValue] = c.inputs as [string, string, string, string];
    // Indices are [N] or [N, R]; ScatterND wants [N, R] with R = rank of the output.
    const rank = c.b.op("Shape", [outputShape]);
    const indices2d = c.b.op("Reshape", [indices, c.b.op("Concat", [c.b.int64s([-1]), rank], { axis: { int: 0 } })]);
    const count = c.b.op("Slice", [c.b.op("Shape", [indices2d]), c.b.int64s([0]), c.b.int64s([1])]);
    const updates = c.b.op("Expand", [values, count]);
    const dense = filled(c, defaultValue, outputShape);
    return one(c.b.op("ScatterND", [dense, indices2d, updates]), [c.kind(2)]);
  },
  ScatterNd: (c) => {
    const [indices, updates, shape] = c.inputs as [string, string, string];
    const zeros = filled(c, scalarOfKind(c, c.kind(1), 0), shape);
    // TF adds updates that hit the same index.
    return one(c.b.op("ScatterND", [zeros, indices, updates], { reduction: { str: "add" } }), [c.kind(1)]);
  },
};

function batchMatMul(c: OpContext): OpConversion {
  const adjX = bool(c, "adj_x");
  const adjY = bool(c, "adj_y");
  if (!adjX && !adjY) return one(c.b.op("MatMul", c.inputs.slice(0, 2)));
  // Einsum transposes the last two axes whatever the rank.
  const equation = `...${adjX ? "ji" : "ij"},...${adjY ? "kj" : "jk"}->...ik`;
  return one(c.b.op("Einsum", c.inputs.slice(0, 2), { equation: { str: equation } }));
}
