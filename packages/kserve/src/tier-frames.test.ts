import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame, FrameReader, type InferFrame, MAX_FRAME_BYTES } from "./tier-frames";
import type { WireTensor } from "./wire-tensor";

const inputs: WireTensor[] = [
  { name: "input_ids", datatype: "INT64", shape: [1, 3], data: [101, 2023, 102] },
  { name: "pixels", datatype: "FP32", shape: [2], data: [0.5, -1.25] },
  { name: "text", datatype: "BYTES", shape: [1], data: ["héllo"] },
];

describe("tier socket frames", () => {
  it("happy: a frame's header and tensors survive encode → stream → decode, however the stream is cut", () => {
    const a = encodeFrame({ id: 1, op: "infer", tenant: "t", model: "m" }, "inputs", inputs);
    const b = encodeFrame({ id: 2, outputs: [], timing: [] }, "outputs", []);
    const stream = Buffer.concat([a, b, a]);
    for (const cut of [1, 3, 4, 7, a.length, a.length + 2, stream.length]) {
      const reader = new FrameReader();
      const frames = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))];
      expect(frames).toHaveLength(3);
      const first = decodeFrame<InferFrame>(frames[0] as Buffer, "inputs");
      expect(first).toMatchObject({ id: 1, op: "infer", tenant: "t", model: "m" });
      expect(first.inputs.map((t) => t.data)).toEqual(inputs.map((t) => t.data));
      expect(decodeFrame<{ id: number }>(frames[1] as Buffer, "outputs").id).toBe(2);
    }
    // Byte by byte too.
    const reader = new FrameReader();
    const frames = [...stream].flatMap((byte) => reader.push(Buffer.from([byte])));
    expect(frames.map((f) => decodeFrame<{ id: number }>(f, "inputs").id)).toEqual([1, 2, 1]);
  });

  it("error: a frame claiming more than MAX_FRAME_BYTES, or tensors running past its end, is refused", () => {
    const huge = Buffer.alloc(8);
    huge.writeUInt32LE(MAX_FRAME_BYTES + 1, 0);
    expect(() => new FrameReader().push(huge)).toThrow(/at most/);
    const frame = encodeFrame({ id: 1 }, "inputs", inputs);
    const truncated = frame.subarray(4, frame.length - 2);
    expect(() => decodeFrame(truncated, "inputs")).toThrow();
  });
});
