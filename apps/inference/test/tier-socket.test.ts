import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import {
  decodeFrame,
  encodeFrame,
  FrameReader,
  parseServerTiming,
  type ReplyFrame,
  type WireTensor,
} from "@modelmarket/kserve";
import { buildOnnxModel } from "@modelmarket/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningInference } from "../src/server";
import { storeModel } from "./model-store";
import { startTestTier } from "./test-tier";

const SECRET = crypto.randomBytes(32).toString("hex");
const TENANT = "tnt_01aaaaaaaaaaaaaaaaaaaaaaaa";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-socket-"));
const socketPath = path.join(dataDir, "inference.sock");
let tier: RunningInference;

// y = 2x + 1 on float rows: every answer says which input it belongs to.
const AFFINE = storeModel(
  dataDir,
  buildOnnxModel({
    inputs: [{ name: "x", elemType: "FLOAT", shape: ["batch", 3] }],
    outputs: [{ name: "y", elemType: "FLOAT", shape: ["batch", 3] }],
    initializers: [
      { name: "two", dims: [], floatData: [2] },
      { name: "one", dims: [], floatData: [1] },
    ],
    nodes: [
      { opType: "Mul", inputs: ["x", "two"], outputs: ["h"] },
      { opType: "Add", inputs: ["h", "one"], outputs: ["y"] },
    ],
  }),
);

/** A raw connection speaking the frames of packages/kserve/src/tier-frames.ts. */
function connect(): Promise<{ socket: net.Socket; replies: ReplyFrame[]; next(): Promise<ReplyFrame> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    const reader = new FrameReader();
    const replies: ReplyFrame[] = [];
    const waiters: Array<(r: ReplyFrame) => void> = [];
    socket.on("data", (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) {
        const reply = decodeFrame<ReplyFrame>(frame, "outputs");
        replies.push(reply);
        waiters.shift()?.(reply);
      }
    });
    socket.once("connect", () => resolve({ socket, replies, next: () => new Promise((r) => waiters.push(r)) }));
    socket.once("error", reject);
  });
}

const hello = (secret = SECRET) => encodeFrame({ id: 0, op: "hello", secret }, "inputs", []);
const inferFrame = (id: number, x: number[], extra: Record<string, unknown> = {}) =>
  encodeFrame(
    { id, op: "infer", tenant: TENANT, model: AFFINE, deadlineMs: 10_000, weight: 1, requestId: `r${id}`, ...extra },
    "inputs",
    [{ name: "x", datatype: "FP32", shape: [1, 3], data: x }],
  );
const closed = (socket: net.Socket) => new Promise<void>((resolve) => socket.once("close", () => resolve()));

beforeAll(async () => {
  tier = await startTestTier(dataDir, SECRET, { INFERENCE_SOCKET: socketPath });
}, 60_000);

afterAll(async () => {
  await tier?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("the tier's socket (INFERENCE_SOCKET)", () => {
  it("happy: many calls at once on one connection each get their own answer, equal to the HTTP route's, with the tier's phases", async () => {
    const { socket, next } = await connect();
    socket.write(hello());
    const inputs = Array.from({ length: 12 }, (_, i) => [i, -i / 2, 0.25 * i]);
    const answers = Promise.all(inputs.map(() => next()));
    // All written at once: the replies may come in any order and are matched by id.
    socket.write(Buffer.concat(inputs.map((x, i) => inferFrame(i + 1, x))));
    const replies = await answers;
    for (const reply of replies) {
      if ("status" in reply) throw new Error(`refused: ${JSON.stringify(reply)}`);
      const x = inputs[reply.id - 1] as number[];
      expect(reply.outputs[0]?.data).toEqual(x.map((v) => 2 * v + 1));
      expect(reply.timing.map(([name]) => name)).toEqual(["tier-queue", "tier-worker", "tier-compute", "tier"]);
    }
    expect(new Set(replies.map((r) => r.id)).size).toBe(12);
    // The same call over HTTP (the binary tensor extension as the API sent it before).
    const res = await fetch(`${tier.url}/v2/models/${AFFINE}/infer`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${SECRET}`, "x-tenant-id": TENANT },
      body: JSON.stringify({ inputs: [{ name: "x", datatype: "FP32", shape: [1, 3], data: inputs[5] }] }),
    });
    const http = (await res.json()) as { outputs: WireTensor[] };
    const socketAnswer = replies.find((r) => r.id === 6) as { outputs: WireTensor[] };
    expect(socketAnswer.outputs[0]?.data).toEqual(http.outputs[0]?.data);
    expect(parseServerTiming(res.headers.get("server-timing")).map(([n]) => n)).toContain("tier-compute");
    socket.destroy();
  });

  it("error: an unknown model, a tenant that is not an id, or tensors that do not fit their shape are refused with the HTTP route's status and code; the connection stays usable", async () => {
    const { socket, next } = await connect();
    socket.write(hello());
    socket.write(inferFrame(1, [1, 2, 3], { model: "f".repeat(64) }));
    expect(await next()).toMatchObject({ id: 1, status: 404, code: "NOT_FOUND" });
    socket.write(inferFrame(2, [1, 2, 3], { tenant: "../other" }));
    expect(await next()).toMatchObject({ id: 2, status: 400, code: "BAD_USER_INPUT" });
    // Four values' bytes for a shape of three: decoding the frame's tensors fails.
    const bad = encodeFrame(
      { id: 3, op: "infer", tenant: TENANT, model: AFFINE, deadlineMs: 1000, weight: 1, requestId: "r" },
      "inputs",
      [{ name: "x", datatype: "FP32", shape: [1, 4], data: [1, 2, 3, 4] }],
    );
    const header = JSON.parse(bad.subarray(8, 8 + bad.readUInt32LE(4)).toString("utf8"));
    header.inputs[0].shape = [1, 3];
    const json = Buffer.from(JSON.stringify(header));
    const tensor = bad.subarray(8 + bad.readUInt32LE(4));
    const lengths = Buffer.alloc(8);
    lengths.writeUInt32LE(4 + json.length + tensor.length, 0);
    lengths.writeUInt32LE(json.length, 4);
    socket.write(Buffer.concat([lengths, json, tensor]));
    expect(await next()).toMatchObject({ id: 3, status: 400, code: "BAD_USER_INPUT" });
    // The model's own input name is wrong: the worker refuses it.
    socket.write(
      encodeFrame(
        { id: 4, op: "infer", tenant: TENANT, model: AFFINE, deadlineMs: 1000, weight: 1, requestId: "r" },
        "inputs",
        [{ name: "nope", datatype: "FP32", shape: [1, 3], data: [1, 2, 3] }],
      ),
    );
    expect(await next()).toMatchObject({ id: 4, status: 400, code: "BAD_USER_INPUT" });
    socket.write(inferFrame(5, [0, 0, 0]));
    expect(await next()).toMatchObject({ id: 5, outputs: [{ data: [1, 1, 1] }] });
    socket.destroy();
  });

  it("security: the socket file is the tier user's alone; a wrong secret, no hello, or junk closes the connection unanswered", async () => {
    expect(fs.statSync(socketPath).mode & 0o777).toBe(0o600);
    for (const opening of [
      hello("x".repeat(64)),
      inferFrame(1, [1, 2, 3]),
      Buffer.from("POST /v2/models HTTP/1.1\r\n\r\n"),
    ]) {
      const { socket, replies } = await connect();
      const gone = closed(socket);
      socket.write(Buffer.concat([opening, inferFrame(7, [1, 2, 3])]));
      await gone;
      expect(replies).toEqual([]);
    }
  });

  it("security: a live tier's socket is never taken over; a dead tier's leftover file is replaced", async () => {
    const second = (dir: string) => startTestTier(dir, SECRET, { INFERENCE_SOCKET: socketPath });
    await expect(second(dataDir)).rejects.toThrow(/EADDRINUSE/);
    // The first tier still answers on it.
    const { socket, next } = await connect();
    socket.write(Buffer.concat([hello(), inferFrame(1, [1, 1, 1])]));
    expect(await next()).toMatchObject({ id: 1, outputs: [{ data: [3, 3, 3] }] });
    socket.destroy();

    // A file left where no tier listens (a crashed tier's): a new tier starts on it.
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "mm-socket-"));
    const leftover = path.join(other, "inference.sock");
    // A process listening there, killed: its socket file stays behind.
    const crashed = spawn(process.execPath, [
      "-e",
      "require('node:net').createServer().listen(process.argv[1], () => console.log('up'))",
      leftover,
    ]);
    await new Promise((resolve) => crashed.stdout.once("data", resolve));
    crashed.kill("SIGKILL");
    await new Promise((resolve) => crashed.once("exit", resolve));
    await expect(
      new Promise((resolve, reject) => net.connect(leftover).once("connect", resolve).once("error", reject)),
    ).rejects.toThrow(/ECONNREFUSED/);
    const restarted = await startTestTier(other, SECRET, { INFERENCE_SOCKET: leftover });
    expect(fs.statSync(leftover).isSocket()).toBe(true);
    await restarted.close();
    fs.rmSync(other, { recursive: true, force: true });
  });

  it("happy: a socket in a directory that does not exist yet (a first start's DATA_DIR) is served, its new directory private", async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "mm-socket-"));
    const fresh = path.join(other, "data", "inference.sock");
    const tierThere = await startTestTier(other, SECRET, { INFERENCE_SOCKET: fresh });
    try {
      expect(fs.statSync(fresh).isSocket()).toBe(true);
      expect(fs.statSync(path.dirname(fresh)).mode & 0o077).toBe(0);
    } finally {
      await tierThere.close();
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
