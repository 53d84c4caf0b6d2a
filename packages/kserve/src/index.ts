export * from "./binary-tensors";
export * from "./generate-request";
export * from "./infer-request";
export * from "./modelmarket-extensions";
export * from "./wire-tensor";
