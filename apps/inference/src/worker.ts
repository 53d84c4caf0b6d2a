// One tenant's worker process (started by tenant-worker.ts under an address-space cap):
// holds that tenant's onnxruntime sessions and runs its requests. Messages come over IPC.

import fs from "node:fs";
import { halfToNumber, numberToHalf } from "@modelmarket/kserve";
import { LRUCache } from "lru-cache";
import * as ort from "onnxruntime-node";
import { DecodeLoop, type FinishReason } from "./generation/decode-loop";
import type { Decoder } from "./generation/decoder";
import { OptimumDecoder, optimumLayout } from "./generation/optimum-decoder";
import { OptimumSeq2SeqDecoder, seq2seqLayout } from "./generation/optimum-seq2seq";
import type { SamplingParams } from "./generation/sampling";
import { runtimeMessage } from "./runtime-message";
import { KSERVE_TO_ORT, ORT_TO_KSERVE, type WireTensor } from "./tensors";
import { workerSettingsFrom } from "./worker-settings";

export type WorkerRequest =
  | {
      type: "infer";
      id: number;
      modelPath: string;
      inputs: WireTensor[];
      outputs?: string[];
      /** The tier does not know the model is loaded: say "loaded" before running. */
      announceLoad?: boolean;
    }
  | { type: "metadata"; id: number; modelPath: string; announceLoad?: boolean }
  /** Nobody waits for request `id` any more: skip its run if it has not started; stop a generation. */
  | { type: "cancel"; id: number }
  /** Generate tokens after a prompt with the model's KV cache (generation/decode-loop.ts). */
  | ({ type: "generate"; id: number; modelPath: string } & GenerationParams)
  /** The step that asked for permit `permit` may run (the tier's fair scheduler gave it a slot). */
  | { type: "permit-granted"; permit: number }
  /** Others wait for compute: give permit `permit`'s slot back after the step in flight. */
  | { type: "permit-revoke"; permit: number };

export interface GenerationParams {
  prompt: number[];
  maxTokens: number;
  stopTokens: number[];
  sampling: SamplingParams;
  /** Encoder-decoder models: the encoder's file (modelPath is then the merged decoder) and the decoder's start token. */
  seq2seq?: { encoderPath: string; decoderStart: number };
}

export type WorkerReply =
  | { type: "loaded"; id: number }
  | { type: "canceled"; id: number }
  | { type: "result"; id: number; outputs: WireTensor[]; computeMs: number; loadMs: number }
  | { type: "metadata"; id: number; inputs: ModelIo[]; outputs: ModelIo[]; loadMs: number }
  | { type: "error"; id: number; message: string; badInput: boolean; runFailed?: boolean }
  /** A generated token of request `id`. */
  | { type: "token"; id: number; token: number }
  /** The tokens of one decode step, [request id, token] each: one message per step, not per sequence. */
  | { type: "tokens"; tokens: [number, number][] }
  | { type: "generated"; id: number; reason: FinishReason; promptTokens: number; completionTokens: number }
  /** A decode step waits for a compute slot (answered by permit-granted), or gives it back. */
  | { type: "permit"; permit: number }
  | { type: "permit-release"; permit: number };

export interface ModelIo {
  name: string;
  datatype: string;
  /** -1 for a variable dimension. */
  shape: number[];
}

const settings = workerSettingsFrom(process.env);
const threads = settings.threads;
const provider = settings.executionProvider;

// Sessions are bounded by the size of their model files (a proxy for their memory).
const sessions = new LRUCache<string, Promise<ort.InferenceSession>>({
  maxSize: settings.sessionCacheBytes,
  sizeCalculation: (_value, key) => Math.max(1, fs.statSync(key).size),
  dispose: (session) => void session.then((s) => s.release()).catch(() => {}),
});

async function session(modelPath: string): Promise<{ session: ort.InferenceSession; loadMs: number }> {
  let pending = sessions.get(modelPath);
  const started = Date.now();
  if (!pending) {
    pending = ort.InferenceSession.create(modelPath, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      // On a GPU pool the worker sees only its pool's device (CUDA_VISIBLE_DEVICES): device 0.
      executionProviders: [provider === "cuda" ? { name: "cuda", deviceId: 0 } : "cpu"],
    });
    sessions.set(modelPath, pending);
    pending.catch(() => sessions.delete(modelPath));
  }
  const s = await pending;
  return { session: s, loadMs: Date.now() - started };
}

function toOrt(t: WireTensor): ort.Tensor {
  const type = KSERVE_TO_ORT[t.datatype] as ort.Tensor.Type;
  const numbers = t.data as number[];
  const data =
    type === "int64"
      ? BigInt64Array.from(numbers, (v) => BigInt(Math.trunc(v)))
      : type === "uint64"
        ? BigUint64Array.from(numbers, (v) => BigInt(Math.trunc(v)))
        : type === "float16"
          ? Uint16Array.from(numbers, numberToHalf)
          : type === "string"
            ? (t.data as string[]).map(String)
            : type === "bool"
              ? Uint8Array.from(t.data, (v) => (v === true || v === 1 ? 1 : 0))
              : TYPED_ARRAYS[type]?.from(numbers);
  if (!data) throw new Error(`unsupported tensor type ${type}`);
  return new ort.Tensor(type, data as never, t.shape);
}

const TYPED_ARRAYS: Partial<Record<ort.Tensor.Type, { from(values: ArrayLike<number>): ArrayLike<number> }>> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint32: Uint32Array,
  uint16: Uint16Array,
  uint8: Uint8Array,
};

function toWire(name: string, t: ort.Tensor): WireTensor {
  const values = t.data as ArrayLike<number | bigint | string | boolean>;
  const data =
    t.type === "float16"
      ? Array.from(values as ArrayLike<number>, halfToNumber)
      : t.type === "bool"
        ? Array.from(values, (v) => v === 1 || v === true)
        : Array.from(values, (v) => (typeof v === "bigint" ? Number(v) : v));
  return { name, datatype: ORT_TO_KSERVE[t.type] ?? t.type, shape: [...t.dims], data: data as (number | string)[] };
}

function io(names: readonly string[], metadata: readonly ort.InferenceSession.ValueMetadata[]): ModelIo[] {
  return names.map((name, i) => {
    const m = metadata[i] as { isTensor?: boolean; type?: string; shape?: (number | string)[] } | undefined;
    // The protocol's shapes are numbers, -1 for a variable dimension (ONNX names those).
    const shape = (m?.shape ?? []).map((d) => (typeof d === "number" && d >= 0 ? d : -1));
    return { name, datatype: ORT_TO_KSERVE[m?.type ?? ""] ?? String(m?.type ?? "unknown"), shape };
  });
}

/**
 * Replies to the tier. Once the tier has gone (shutdown, crash) there is nobody to tell: a
 * send error goes to the callback instead of crashing this process with EPIPE on its way out.
 */
function send(reply: WorkerReply): void {
  if (process.connected) process.send?.(reply, undefined, undefined, () => {});
}

/** Requests canceled while their model was loading. */
const canceled = new Set<number>();

type RunRequest = Extract<WorkerRequest, { type: "infer" | "metadata" }>;

async function handle(request: RunRequest): Promise<WorkerReply> {
  try {
    const { session: s, loadMs } = await session(request.modelPath);
    if (canceled.delete(request.id)) return { type: "canceled", id: request.id };
    if (request.announceLoad) send({ type: "loaded", id: request.id });
    if (request.type === "metadata") {
      return {
        type: "metadata",
        id: request.id,
        inputs: io(s.inputNames, s.inputMetadata),
        outputs: io(s.outputNames, s.outputMetadata),
        loadMs,
      };
    }
    const missing = s.inputNames.filter((n) => !request.inputs.some((i) => i.name === n));
    const unknown = request.inputs.filter((i) => !s.inputNames.includes(i.name)).map((i) => i.name);
    if (missing.length || unknown.length) {
      const parts = [
        missing.length ? `missing inputs ${missing.join(", ")}` : "",
        unknown.length ? `unknown inputs ${unknown.join(", ")}` : "",
      ];
      return { type: "error", id: request.id, message: parts.filter(Boolean).join("; "), badInput: true };
    }
    const unknownOutputs = (request.outputs ?? []).filter((n) => !s.outputNames.includes(n));
    if (unknownOutputs.length) {
      return {
        type: "error",
        id: request.id,
        message: `unknown outputs ${unknownOutputs.join(", ")}; the model's outputs are ${s.outputNames.join(", ")}`,
        badInput: true,
      };
    }
    const feeds = Object.fromEntries(request.inputs.map((t) => [t.name, toOrt(t)]));
    const started = performance.now();
    const result = await s.run(feeds);
    const wanted = request.outputs?.length ? request.outputs : s.outputNames;
    const outputs = wanted.filter((n) => result[n]).map((n) => toWire(n, result[n] as ort.Tensor));
    return { type: "result", id: request.id, outputs, computeMs: performance.now() - started, loadMs };
  } catch (error) {
    const message = runtimeMessage((error as Error).message);
    // onnxruntime reports shape and type mismatches of the feeds as errors of the call: to a
    // client of the tier, tensors that disagree are its own mistake (400); anything else failed
    // inside the graph (502 MODEL_ERROR). Either way the run failed (runFailed): the API, which
    // built the tensors to the model's checked convention, answers its callers MODEL_ERROR.
    const badInput = /shape|dimension|type|Got invalid|expected/i.test(message);
    return { type: "error", id: request.id, message, badInput, runFailed: true };
  }
}

// Generation: one decode loop per model (continuous batching of this tenant's generations),
// its steps run under a compute slot the tier grants (permit / permit-granted). The loop keeps
// the slot as a lease from step to step — no round trip per token — until the tier revokes it
// (another tenant waits past the fair slice: permit-revoke) or the loop has nothing to decode;
// then it gives it back (permit-release) and asks again for its next step.
const loops = new Map<string, Promise<DecodeLoop>>();
const generations = new Map<number, DecodeLoop>();
const permits = new Map<number, () => void>();
const revocations = new Map<number, () => void>();
let nextPermit = 1;

function leasedSlot() {
  let lease: number | null = null;
  let revoked = false;
  const giveBack = () => {
    if (lease === null) return;
    send({ type: "permit-release", permit: lease });
    revocations.delete(lease);
    lease = null;
  };
  return {
    async permit(): Promise<() => void> {
      if (lease === null) {
        const id = nextPermit++;
        await new Promise<void>((resolve) => {
          permits.set(id, resolve);
          send({ type: "permit", permit: id });
        });
        lease = id;
        revoked = false;
        revocations.set(id, () => {
          revoked = true;
        });
      }
      // After the step: kept for the next one unless the tier asked for it back.
      return () => {
        if (revoked) giveBack();
      };
    },
    idle: giveBack,
  };
}

// A step's tokens go to the tier together: the loop emits them one after another in the same
// tick, so they are gathered until the tick ends (8 streams cost one IPC message a step, not 8).
// Anything else about a generation (its end, its error) flushes them first, so it never
// overtakes its own tokens.
let stepTokens: [number, number][] = [];
function sendToken(id: number, token: number): void {
  if (!stepTokens.length) queueMicrotask(flushTokens);
  stepTokens.push([id, token]);
}
function flushTokens(): void {
  const tokens = stepTokens;
  stepTokens = [];
  const [first] = tokens;
  if (tokens.length === 1 && first) send({ type: "token", id: first[0], token: first[1] });
  else if (tokens.length > 1) send({ type: "tokens", tokens });
}

function decodeLoop(modelPath: string, seq2seq?: GenerationParams["seq2seq"]): Promise<DecodeLoop> {
  const key = seq2seq ? `${modelPath}|${seq2seq.encoderPath}|${seq2seq.decoderStart}` : modelPath;
  let loop = loops.get(key);
  if (!loop) {
    loop = buildDecoder(modelPath, seq2seq).then((decoder) => {
      const slot = leasedSlot();
      return new DecodeLoop(decoder, {
        maxBatch: settings.maxDecodeBatch,
        permit: slot.permit,
        onIdle: slot.idle,
      });
    });
    loops.set(key, loop);
    loop.catch(() => loops.delete(key));
  }
  return loop;
}

/** The decoder of a generation model: decoder-only, or an encoder-decoder's merged decoder with its encoder. */
async function buildDecoder(modelPath: string, seq2seq?: GenerationParams["seq2seq"]): Promise<Decoder> {
  const { session: s } = await session(modelPath);
  const meta = (names: readonly string[], m: readonly ort.InferenceSession.ValueMetadata[]) =>
    names.map((name, i) => ({ name, shape: (m[i] as { shape?: (number | string)[] } | undefined)?.shape }));
  const inputs = meta(s.inputNames, s.inputMetadata);
  const outputs = meta(s.outputNames, s.outputMetadata);
  const vocab = outputs.find((o) => o.name === "logits")?.shape?.[2];
  if (typeof vocab !== "number") throw new Error("logits must have a fixed vocabulary size [batch, sequence, vocab]");
  if (!seq2seq) return new OptimumDecoder(s, ort, optimumLayout(inputs, outputs), vocab, null);
  const { session: encoder } = await session(seq2seq.encoderPath);
  return new OptimumSeq2SeqDecoder(encoder, s, ort, seq2seqLayout(inputs, outputs), vocab, seq2seq.decoderStart);
}

async function generate(request: Extract<WorkerRequest, { type: "generate" }>): Promise<void> {
  const { id } = request;
  let loop: DecodeLoop;
  try {
    loop = await decodeLoop(request.modelPath, request.seq2seq);
  } catch (error) {
    send({ type: "error", id, message: runtimeMessage((error as Error).message), badInput: true });
    return;
  }
  if (canceled.delete(id)) {
    send({ type: "generated", id, reason: "cancelled", promptTokens: request.prompt.length, completionTokens: 0 });
    return;
  }
  generations.set(id, loop);
  loop.add({
    id,
    prompt: request.prompt,
    maxTokens: request.maxTokens,
    stopTokens: request.stopTokens,
    sampling: request.sampling,
    onToken: (token) => sendToken(id, token),
    onDone: (reason, usage) => {
      flushTokens();
      generations.delete(id);
      send({ type: "generated", id, reason, ...usage });
    },
    onError: (error) => {
      flushTokens();
      generations.delete(id);
      const message = runtimeMessage(error.message);
      send({ type: "error", id, message, badInput: /exceed|positions/.test(message), runFailed: true });
    },
  });
}

process.on("message", (request: WorkerRequest) => {
  if (request.type === "cancel") {
    const loop = generations.get(request.id);
    if (loop) loop.cancel(request.id);
    else canceled.add(request.id);
    return;
  }
  if (request.type === "permit-granted") {
    permits.get(request.permit)?.();
    permits.delete(request.permit);
    return;
  }
  if (request.type === "permit-revoke") {
    revocations.get(request.permit)?.();
    return;
  }
  if (request.type === "generate") {
    void generate(request);
    return;
  }
  void handle(request).then(send);
});
process.on("disconnect", () => process.exit(0));
