import { decodeBinaryBody, encodeBinaryBody } from "./binary-tensors";
import type { WireTensor } from "./wire-tensor";

/**
 * The tier's socket protocol (a Modelmarket extension, docs/architecture.md): the API's infer
 * calls to a tier on the same machine, over a Unix domain socket with persistent, multiplexed
 * connections. Node's HTTP stack costs ~1 ms of CPU and wake-ups per round trip on a loaded
 * machine where the raw socket round trip costs ~0.3 ms, and the protocol needs none of HTTP's
 * generality here: one trusted peer, one kind of call.
 *
 * A frame is `u32 LE n` then n bytes: `u32 LE h`, a JSON header of h bytes, and the tensors'
 * raw bytes in the order the header lists them — the binary tensor extension's body as it is
 * (binary-tensors.ts), so tensors never become JSON text between processes. Each request
 * header has an `id` that its reply repeats: replies may come in any order.
 */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** The API's first frame on a connection: the tier's shared secret (a wrong one closes it). */
export interface HelloFrame {
  id: 0;
  op: "hello";
  secret: string;
}

/** An infer call: what the HTTP route reads from the path, headers and body. */
export interface InferFrame {
  id: number;
  op: "infer";
  tenant: string;
  /** The model's name: the SHA-256 of its ONNX file. */
  model: string;
  deadlineMs: number;
  weight: number;
  requestId: string;
  batching?: unknown;
  /** The outputs wanted (all when absent). */
  outputs?: string[];
  inputs: WireTensor[];
}

/** The tier's answer to frame `id`: outputs with where the time went, or a refusal. */
export type ReplyFrame =
  | { id: number; outputs: WireTensor[]; timing: Array<[string, number]> }
  | { id: number; status: number; code: string; error: string; failedIn?: string; retryAfterMs?: number };

/** A frame carrying `tensors` (under `tensorsKey`) in binary. */
export function encodeFrame(
  header: Record<string, unknown>,
  tensorsKey: "inputs" | "outputs",
  tensors: WireTensor[],
): Buffer {
  const { body, headerLength } = encodeBinaryBody(header, tensorsKey, tensors, () => true);
  const prefix = Buffer.allocUnsafe(8);
  prefix.writeUInt32LE(body.length + 4, 0);
  prefix.writeUInt32LE(headerLength, 4);
  return Buffer.concat([prefix, body]);
}

/** A frame's header, its tensors (under `tensorsKey`) decoded into `data`. */
export function decodeFrame<T>(frame: Buffer, tensorsKey: "inputs" | "outputs"): T {
  if (frame.length < 4) throw new Error("frame shorter than its header length");
  return decodeBinaryBody(frame.subarray(4), frame.readUInt32LE(0), tensorsKey) as T;
}

/**
 * Cuts a byte stream into frames (each without its length prefix). A frame larger than
 * MAX_FRAME_BYTES is a broken peer: `push` throws, and the connection should be closed.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    while (this.buffered >= 4) {
      const head = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
      const length = head.readUInt32LE(0);
      if (length > MAX_FRAME_BYTES) throw new Error(`frame of ${length} bytes (at most ${MAX_FRAME_BYTES})`);
      if (head.length < 4 + length) {
        this.chunks = [head];
        break;
      }
      frames.push(head.subarray(4, 4 + length));
      const rest = head.subarray(4 + length);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
    }
    return frames;
  }
}
