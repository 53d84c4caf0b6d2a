export { buildOnnxModel, type InitializerSpec, type NodeSpec, type TensorSpec } from "./build-onnx";
export { BUILTIN_DOMAINS, inspectOnnx, type OnnxInspection, OnnxFormatError, type TensorSignature } from "./inspect-onnx";
