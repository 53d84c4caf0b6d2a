export * from "./binary-tensors";
export * from "./wire-tensor";
