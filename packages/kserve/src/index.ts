export * from "./binary-tensors";
export * from "./generate-request";
export * from "./infer-request";
export * from "./modelmarket-extensions";
export * from "./server-timing";
export * from "./tier-frames";
export * from "./wire-tensor";
