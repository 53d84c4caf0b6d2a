import { describe, expect, it } from "vitest";
import {
  bfloat16ToNumber,
  decodeBinaryBody,
  encodeBinaryBody,
  halfToNumber,
  numberToBfloat16,
  numberToHalf,
} from "./binary-tensors";
import type { WireTensor } from "./wire-tensor";

describe("binary tensor extension", () => {
  it("happy: every datatype survives encode → decode, BYTES with length prefixes", () => {
    const tensors: WireTensor[] = [
      { name: "f32", datatype: "FP32", shape: [3], data: [1.5, -2, 0.25] },
      { name: "f64", datatype: "FP64", shape: [1], data: [Math.PI] },
      { name: "i64", datatype: "INT64", shape: [2], data: [-(2 ** 40), 7] },
      { name: "u8", datatype: "UINT8", shape: [2], data: [0, 255] },
      { name: "b", datatype: "BOOL", shape: [2], data: [true, false] },
      { name: "s", datatype: "BYTES", shape: [2], data: ["héllo", ""] },
      { name: "h", datatype: "FP16", shape: [2], data: [0.5, -65504] },
      { name: "json", datatype: "INT32", shape: [1], data: [3] },
    ];
    const { body, headerLength } = encodeBinaryBody({ id: "x" }, "outputs", tensors, (t) => t.name !== "json");
    const decoded = decodeBinaryBody<{ id: string; outputs: WireTensor[] }>(body, headerLength, "outputs");
    expect(decoded.id).toBe("x");
    expect(decoded.outputs.map((t) => t.data)).toEqual(tensors.map((t) => t.data));
    expect(decoded.outputs[7]?.parameters).toBeUndefined();
  });

  it("happy: half and bfloat16 conversions round to nearest and keep specials", () => {
    for (const v of [0, 1, -1, 0.1, 65504, 6.1e-5, 5.96e-8]) expect(halfToNumber(numberToHalf(v))).toBeCloseTo(v, 3);
    expect(halfToNumber(numberToHalf(1e6))).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(halfToNumber(numberToHalf(Number.NaN)))).toBe(true);
    expect(bfloat16ToNumber(numberToBfloat16(3.140625))).toBe(3.140625);
    expect(bfloat16ToNumber(numberToBfloat16(1.00390625))).toBe(1);
  });

  it("error: a header length past the body, or trailing bytes, are refused", () => {
    const { body, headerLength } = encodeBinaryBody(
      {},
      "inputs",
      [{ name: "a", datatype: "FP32", shape: [1], data: [1] }],
      () => true,
    );
    expect(() => decodeBinaryBody(body, body.length + 1, "inputs")).toThrow(/inference-header-content-length/);
    expect(() => decodeBinaryBody(Buffer.concat([body, Buffer.alloc(1)]), headerLength, "inputs")).toThrow(
      /after the last/,
    );
  });
});
