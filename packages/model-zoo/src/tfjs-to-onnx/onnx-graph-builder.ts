import { onnx } from "onnx-proto";

export type OnnxElemType = "FLOAT" | "INT64" | "BOOL";

export interface GraphIo {
  name: string;
  elemType: OnnxElemType;
  shape: (number | string)[];
}

type AttrValue =
  | { int: number }
  | { ints: number[] }
  | { float: number }
  | { str: string }
  | { tensor: onnx.ITensorProto };

const DATA_TYPE: Record<OnnxElemType, number> = {
  FLOAT: onnx.TensorProto.DataType.FLOAT,
  INT64: onnx.TensorProto.DataType.INT64,
  BOOL: onnx.TensorProto.DataType.BOOL,
};

/**
 * Builds an ONNX graph node by node. Initialisers are stored as raw little-endian bytes (the
 * compact form onnxruntime reads fastest); small int64 constants are de-duplicated.
 */
export class OnnxGraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly int64Cache = new Map<string, string>();
  private readonly used = new Set<string>();
  private counter = 0;

  /** A name no other tensor of the graph has, derived from `hint`. */
  fresh(hint: string): string {
    let name = hint;
    while (this.used.has(name)) name = `${hint}__${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node; returns the names of its `outputs` outputs (or uses the names given). */
  node(
    opType: string,
    inputs: string[],
    attrs: Record<string, AttrValue> = {},
    outputs: number | string[] = 1,
  ): string[] {
    const outNames =
      typeof outputs === "number"
        ? Array.from({ length: outputs }, (_, i) => this.fresh(`${opType.toLowerCase()}_${this.nodes.length}_${i}`))
        : outputs.map((o) => {
            this.used.add(o);
            return o;
          });
    this.nodes.push(
      onnx.NodeProto.create({
        name: `${opType}_${this.nodes.length}`,
        opType,
        input: inputs,
        output: outNames,
        attribute: Object.entries(attrs).map(([name, v]) => attribute(name, v)),
      }),
    );
    return outNames;
  }

  /** Shorthand for a node with one output. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.node(opType, inputs, attrs)[0] as string;
  }

  initializer(hint: string, elemType: OnnxElemType, dims: number[], raw: Uint8Array): string {
    const name = this.fresh(hint);
    this.initializers.push(onnx.TensorProto.create({ name, dims, dataType: DATA_TYPE[elemType], rawData: raw }));
    return name;
  }

  floats(hint: string, dims: number[], values: ArrayLike<number>): string {
    const data = Float32Array.from(values);
    return this.initializer(hint, "FLOAT", dims, new Uint8Array(data.buffer));
  }

  int64s(values: ArrayLike<number>, dims: number[] = [values.length]): string {
    const key = `${dims.join("x")}:${Array.from(values).join(",")}`;
    const cached = this.int64Cache.get(key);
    if (cached) return cached;
    const data = BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
    const name = this.initializer("const_i64", "INT64", dims, new Uint8Array(data.buffer));
    this.int64Cache.set(key, name);
    return name;
  }

  /** Reserves the names of graph inputs so no node output takes them. */
  declare(...names: string[]): void {
    for (const n of names) this.used.add(n);
  }

  toModel(inputs: GraphIo[], outputs: GraphIo[], meta: { producer: string; docString?: string }): Uint8Array {
    // Constants the converter only read (axes, permutations) never reach the file.
    const read = new Set(this.nodes.flatMap((n) => n.input ?? []));
    const initializer = this.initializers.filter((t) => read.has(t.name as string));
    const valueInfo = (t: GraphIo) =>
      onnx.ValueInfoProto.create({
        name: t.name,
        type: {
          tensorType: {
            elemType: DATA_TYPE[t.elemType],
            shape: { dim: t.shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
          },
        },
      });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: meta.producer,
      docString: meta.docString ?? "",
      opsetImport: [{ domain: "", version: 18 }],
      graph: {
        name: "graph",
        node: this.nodes,
        input: inputs.map(valueInfo),
        output: outputs.map(valueInfo),
        initializer,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function attribute(name: string, v: AttrValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ("int" in v) return { name, type: T.INT, i: v.int };
  if ("ints" in v) return { name, type: T.INTS, ints: v.ints };
  if ("float" in v) return { name, type: T.FLOAT, f: v.float };
  if ("str" in v) return { name, type: T.STRING, s: new TextEncoder().encode(v.str) };
  return { name, type: T.TENSOR, t: v.tensor };
}
