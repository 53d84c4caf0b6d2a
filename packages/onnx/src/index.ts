export { buildOnnxModel, type InitializerSpec, type NodeSpec, type TensorSpec } from "./build-onnx";
export {
  BUILTIN_DOMAINS,
  inspectOnnx,
  OnnxFormatError,
  type OnnxInspection,
  type TensorSignature,
} from "./inspect-onnx";
export { type FloatTensor, readFloatInitializer } from "./read-initializer";
export { type SandboxLimits, type SandboxResult, validateInSandbox } from "./sandbox/validate-in-sandbox";
export {
  brightRegionDetector,
  COLOUR_SEGMENTER_LABELS,
  colourSegmenter,
  lengthTextClassifier,
  maskEmbeddingModel,
  memoryBombModel,
  runawayTextClassifier,
} from "./test-models";
