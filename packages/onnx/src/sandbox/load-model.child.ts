// Runs in a throwaway child process with capped address space (see validate-in-sandbox.ts):
// loads an untrusted ONNX file in onnxruntime, runs it once on a trial input, and reports on
// stdout. Whatever the model does to this process, the parent only reads one JSON line.
import fs from "node:fs";
import * as ort from "onnxruntime-node";
import { inspectOnnx, type TensorSignature } from "../inspect-onnx";
import type { TrialRun } from "./trial-run";

/** One JSON line on stdout, read by validate-in-sandbox.ts. */
export type ChildReport = ({ ok: true } & TrialRun) | { ok: false; stage: "load" | "run"; message: string };

const TYPED: Record<string, (n: number) => ort.Tensor["data"]> = {
  float: (n) => new Float32Array(n),
  double: (n) => new Float64Array(n),
  int64: (n) => new BigInt64Array(n),
  int32: (n) => new Int32Array(n),
  int16: (n) => new Int16Array(n),
  int8: (n) => new Int8Array(n),
  uint8: (n) => new Uint8Array(n),
  bool: (n) => new Uint8Array(n),
  string: (n) => new Array<string>(n).fill(""),
};
const ORT_TYPE: Record<string, ort.Tensor.Type> = { float: "float32", double: "float64", bool: "bool" };

/**
 * The trial input: zeros, except an `attention_mask` (the text convention), which is all
 * ones: an all-zero mask is an empty text, which no text model has to accept.
 */
function trialInput(signature: TensorSignature): ort.Tensor {
  const make = TYPED[signature.elemType];
  if (!make) throw new Error(`input "${signature.name}" has unsupported element type ${signature.elemType}`);
  // Symbolic or unknown dimensions run with size 1, except an image's height and width
  // (a float input of rank 4 with 1 or 3 channels): 64, which any CNN's strides accept.
  const shape = signature.shape ?? [1];
  const channelsFirst = shape[1] === 1 || shape[1] === 3;
  const channelsLast = shape[3] === 1 || shape[3] === 3;
  const image = signature.elemType === "float" && shape.length === 4 && (channelsFirst || channelsLast);
  const spatial = image ? (channelsFirst ? [2, 3] : [1, 2]) : [];
  const dims = shape.map((d, i) => (typeof d === "number" && d > 0 ? d : spatial.includes(i) ? 64 : 1));
  const size = dims.reduce((a, b) => a * b, 1);
  const data = make(size);
  if (signature.name === "attention_mask") {
    if (data instanceof BigInt64Array) data.fill(1n);
    else if (!Array.isArray(data)) (data as Int32Array).fill(1);
  }
  return new ort.Tensor(ORT_TYPE[signature.elemType] ?? (signature.elemType as ort.Tensor.Type), data as never, dims);
}

async function main(file: string): Promise<ChildReport> {
  const started = Date.now();
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (error) {
    return { ok: false, stage: "load", message: (error as Error).message };
  }
  const loadMs = Date.now() - started;
  try {
    const { inputs } = inspectOnnx(fs.readFileSync(file));
    const feeds = Object.fromEntries(inputs.map((input) => [input.name, trialInput(input)]));
    const runStarted = Date.now();
    const result = await session.run(feeds);
    const outputs = Object.entries(result).map(([name, t]) => ({ name, type: t.type, dims: [...t.dims] }));
    return {
      ok: true,
      loadMs,
      runMs: Date.now() - runStarted,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      outputs,
    };
  } catch (error) {
    return { ok: false, stage: "run", message: (error as Error).message };
  }
}

main(process.argv[2] as string).then(
  (report) => {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.exit(0);
  },
  (error) => {
    process.stdout.write(`${JSON.stringify({ ok: false, stage: "load", message: String(error) })}\n`);
    process.exit(0);
  },
);
