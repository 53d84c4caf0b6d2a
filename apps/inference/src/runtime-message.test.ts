import { describe, expect, it } from "vitest";
import { runtimeMessage } from "./runtime-message";

describe("runtimeMessage", () => {
  it("security: onnxruntime's source paths, C++ signatures and error prefixes never reach a caller", () => {
    const raw =
      "[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : /onnxruntime_src/onnxruntime/core/providers/cpu/tensor/gather.cc:123 " +
      "onnxruntime::common::Status onnxruntime::GatherCopyData(const onnxruntime::Tensor*, const uint8_t*, uint8_t*, bool, size_t) const " +
      "indices element out of data bounds, idx=10 must be within the inclusive range [-8,7]\nstack line two";
    const message = runtimeMessage(raw);
    expect(message).toBe("indices element out of data bounds, idx=10 must be within the inclusive range [-8,7]");
  });

  it("happy: a plain message stays as it is; an empty one says the run failed", () => {
    expect(runtimeMessage("Non-zero status code returned while running Gather node.")).toBe(
      "Non-zero status code returned while running Gather node.",
    );
    expect(runtimeMessage("")).toBe("inference failed");
  });
});
