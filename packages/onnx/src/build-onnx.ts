import { onnx } from "onnx-proto";

export interface TensorSpec {
  name: string;
  elemType: keyof typeof onnx.TensorProto.DataType;
  shape: (number | string)[];
}

export interface NodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  domain?: string;
  attributes?: onnx.IAttributeProto[];
}

export interface InitializerSpec {
  name: string;
  dims: number[];
  floatData?: number[];
  int64Data?: number[];
  /** Marks the tensor as stored outside the model file (used to test refusal). */
  externalLocation?: string;
}

/** Writes an ONNX ModelProto from a plain description (graphs built in code, test models). */
export function buildOnnxModel(spec: {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  nodes: NodeSpec[];
  initializers?: InitializerSpec[];
  opset?: number;
  extraOpsets?: { domain: string; version: number }[];
  producer?: string;
}): Uint8Array {
  const valueInfo = (t: TensorSpec) =>
    onnx.ValueInfoProto.create({
      name: t.name,
      type: {
        tensorType: {
          elemType: onnx.TensorProto.DataType[t.elemType],
          shape: { dim: t.shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
  const initializer = (spec.initializers ?? []).map((i) =>
    onnx.TensorProto.create({
      name: i.name,
      dims: i.dims,
      dataType: i.int64Data ? onnx.TensorProto.DataType.INT64 : onnx.TensorProto.DataType.FLOAT,
      floatData: i.floatData ?? [],
      int64Data: i.int64Data ?? [],
      ...(i.externalLocation
        ? {
            dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
            externalData: [{ key: "location", value: i.externalLocation }],
          }
        : {}),
    }),
  );
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: spec.producer ?? "modelmarket",
    opsetImport: [{ domain: "", version: spec.opset ?? 17 }, ...(spec.extraOpsets ?? [])],
    graph: {
      name: "graph",
      node: spec.nodes.map((n, i) =>
        onnx.NodeProto.create({
          name: `${n.opType.toLowerCase()}_${i}`,
          opType: n.opType,
          input: n.inputs,
          output: n.outputs,
          domain: n.domain ?? "",
          attribute: n.attributes ?? [],
        }),
      ),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
      initializer,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
