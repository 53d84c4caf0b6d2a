// TenantWorker's queue, deadlines, batching and restarts against a fake worker process: each
// test drives the process's replies itself and moves fake time, so nothing sleeps and the
// assertions are about order and outcome, never about how long something took.
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FairScheduler } from "./fair-scheduler";
import type { InferenceError } from "./inference-error";
import { createMetrics } from "./metrics";
import { type SubmitOptions, TenantWorker, type WorkRequest } from "./tenant-worker";
import type { WireTensor } from "./tensors";
import type { WorkerReply, WorkerRequest } from "./worker";
import type { WorkerProcessEvents } from "./worker-process";

class FakeProcess {
  readonly sent: WorkerRequest[] = [];
  readonly signals: string[] = [];
  detached = false;
  constructor(
    readonly pid: number,
    private readonly events: WorkerProcessEvents,
  ) {}
  send(request: WorkerRequest) {
    this.sent.push(request);
  }
  kill(signal: "SIGTERM" | "SIGKILL") {
    this.signals.push(signal);
  }
  detach() {
    this.detached = true;
  }
  reply(reply: WorkerReply) {
    if (!this.detached) this.events.onReply(reply);
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null) {
    if (!this.detached) this.events.onExit(code, signal);
  }
  /** The last request sent that runs a model. */
  get last(): Extract<WorkerRequest, { type: "infer" }> {
    return this.sent.filter((r) => r.type === "infer").at(-1) as Extract<WorkerRequest, { type: "infer" }>;
  }
}

const ids = (n: number, value = 1): WireTensor => ({
  name: "input_ids",
  datatype: "INT64",
  shape: [1, n],
  data: new Array(n).fill(value),
});
const infer = (modelPath: string, rows: WireTensor[] = [ids(3)]): WorkRequest => ({
  type: "infer",
  modelPath,
  inputs: rows,
});
const options = (extra: Partial<SubmitOptions> = {}): SubmitOptions => ({ model: "m", deadlineMs: 1_000, ...extra });
const TEXT_BATCHING = { maxBatchSize: 8, maxQueueDelayMs: 0, padSequences: true };

function setup(overrides: { queueLimit?: number; batching?: boolean } = {}) {
  const processes: FakeProcess[] = [];
  const worker = new TenantWorker({
    tenantId: "tnt_a",
    memoryBytes: 1 << 30,
    queueLimit: overrides.queueLimit ?? 16,
    env: {},
    logger: pino({ level: "silent" }),
    metrics: createMetrics(),
    scheduler: new FairScheduler(1),
    batching: overrides.batching ?? true,
    loadTimeoutMs: 5_000,
    startProcess: (events) => {
      const p = new FakeProcess(1000 + processes.length, events);
      processes.push(p);
      return p;
    },
  });
  const current = () => processes.at(-1) as FakeProcess;
  return { worker, processes, current };
}

/** Answers the running request as a warm worker would: loaded (when asked), then a result. */
function answer(
  p: FakeProcess,
  outputs: WireTensor[] = [{ name: "y", datatype: "FP32", shape: [1, 2], data: [1, 2] }],
) {
  const request = p.last;
  if (request.announceLoad) p.reply({ type: "loaded", id: request.id });
  p.reply({ type: "result", id: request.id, outputs, computeMs: 1, loadMs: 0 });
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("TenantWorker (fake process, fake time)", () => {
  it("happy: the first request starts the process and asks it to announce the load; a warm model does not", async () => {
    const { worker, processes, current } = setup();
    const first = worker.submit(infer("/m.onnx"), options());
    expect(processes).toHaveLength(1);
    expect(current().last.announceLoad).toBe(true);
    answer(current());
    await expect(first).resolves.toMatchObject({ type: "result" });
    expect(worker.isWarm("/m.onnx")).toBe(true);
    const second = worker.submit(infer("/m.onnx"), options());
    expect(current().last.announceLoad).toBeUndefined();
    answer(current());
    await expect(second).resolves.toMatchObject({ type: "result" });
    expect(processes).toHaveLength(1);
  });

  it("happy: requests that wait together for one model run as one padded batch, and each gets its own rows back", async () => {
    const { worker, current } = setup();
    const first = worker.submit(infer("/m.onnx", [ids(2, 7)]), options({ batching: TEXT_BATCHING }));
    // The first runs alone (nothing waited with it); the next three wait for it and batch.
    const waiting = [4, 3, 5].map((n, k) =>
      worker.submit(infer("/m.onnx", [ids(n, k + 1)]), options({ batching: TEXT_BATCHING })),
    );
    answer(current());
    await first;
    const batch = current().last;
    expect(batch.inputs[0]?.shape).toEqual([3, 5]);
    expect(worker.depth).toBe(3);
    answer(current(), [{ name: "y", datatype: "FP32", shape: [3, 1], data: [10, 20, 30] }]);
    const replies = (await Promise.all(waiting)) as Extract<WorkerReply, { type: "result" }>[];
    expect(replies.map((r) => r.outputs[0]?.data)).toEqual([[10], [20], [30]]);
  });

  it("error: a failed batch is not blamed on every request in it: each reruns alone, in order", async () => {
    const { worker, current } = setup();
    const head = worker.submit(infer("/m.onnx", [ids(2)]), options({ batching: TEXT_BATCHING }));
    const a = worker.submit(infer("/m.onnx", [ids(2, 1)]), options({ batching: TEXT_BATCHING }));
    const b = worker.submit(infer("/m.onnx", [ids(2, 2)]), options({ batching: TEXT_BATCHING }));
    answer(current());
    await head;
    const batchId = current().last.id;
    current().reply({ type: "error", id: batchId, message: "bad row", badInput: true });
    // a, then b, each alone.
    expect(current().last.inputs[0]?.data).toEqual([1, 1]);
    current().reply({ type: "error", id: current().last.id, message: "bad row", badInput: true });
    await expect(a).resolves.toMatchObject({ type: "error" });
    expect(current().last.inputs[0]?.data).toEqual([2, 2]);
    answer(current());
    await expect(b).resolves.toMatchObject({ type: "result" });
  });

  it("error: a full queue answers RATE_LIMITED at once, with a retry hint", () => {
    const { worker } = setup({ queueLimit: 2 });
    void worker.submit(infer("/m.onnx"), options()).catch(() => {});
    void worker.submit(infer("/m.onnx"), options()).catch(() => {});
    let refused: InferenceError | undefined;
    try {
      void worker.submit(infer("/m.onnx"), options());
    } catch (error) {
      refused = error as InferenceError;
    }
    expect(refused).toMatchObject({ code: "RATE_LIMITED" });
    expect(refused?.retryAfterMs).toBeGreaterThan(0);
  });

  it("error: the deadline of a computing run kills the process (SIGKILL), answers INFERENCE_TIMEOUT, and the next request gets a fresh process", async () => {
    const { worker, processes, current } = setup();
    const warmUp = worker.submit(infer("/m.onnx"), options());
    answer(current());
    await warmUp;
    const slow = worker.submit(infer("/m.onnx"), options({ deadlineMs: 1_000 }));
    const outcome = slow.catch((e: InferenceError) => e);
    vi.advanceTimersByTime(999);
    expect(processes[0]?.signals).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(await outcome).toMatchObject({ code: "INFERENCE_TIMEOUT", message: expect.stringContaining("stopped") });
    expect(processes[0]?.signals).toEqual(["SIGKILL"]);
    // A late answer of the killed process is ignored; the next request starts process 2.
    processes[0]?.reply({ type: "result", id: 99, outputs: [], computeMs: 1, loadMs: 0 });
    const next = worker.submit(infer("/m.onnx"), options());
    expect(processes).toHaveLength(2);
    answer(current());
    await expect(next).resolves.toMatchObject({ type: "result" });
  });

  it("error: a deadline while the model is still loading says 'warming up' (UNAVAILABLE) and lets the load finish instead of killing it", async () => {
    const { worker, processes, current } = setup();
    const cold = worker.submit(infer("/big.onnx"), options({ deadlineMs: 500 })).catch((e: InferenceError) => e);
    vi.advanceTimersByTime(500);
    expect(await cold).toMatchObject({ code: "UNAVAILABLE", message: expect.stringContaining("warming up") });
    expect(processes[0]?.signals).toEqual([]);
    expect(current().sent.at(-1)).toMatchObject({ type: "cancel" });
    // The load ends and the worker skips the canceled run (it says "canceled", not "loaded"):
    // the model is warm for the next caller, and the process was never killed.
    current().reply({ type: "canceled", id: current().last.id });
    expect(processes[0]?.signals).toEqual([]);
    expect(worker.isWarm("/big.onnx")).toBe(true);
  });

  it("error: a load that never ends is stopped by the load timeout", async () => {
    const { worker, processes } = setup();
    const stuck = worker.submit(infer("/stuck.onnx"), options({ deadlineMs: 60_000 })).catch((e: InferenceError) => e);
    vi.advanceTimersByTime(5_000);
    expect(await stuck).toMatchObject({
      code: "INFERENCE_TIMEOUT",
      message: expect.stringContaining("too long to load"),
    });
    expect(processes[0]?.signals).toEqual(["SIGKILL"]);
  });

  it("error: a crash fails only the running request (UNAVAILABLE); after 5 crashes in a minute the tenant is told its worker keeps crashing", async () => {
    const { worker, processes, current } = setup();
    for (let crash = 0; crash < 5; crash++) {
      const call = worker.submit(infer("/m.onnx"), options()).catch((e: InferenceError) => e);
      current().exit(null, "SIGSEGV");
      expect(await call).toMatchObject({
        code: "UNAVAILABLE",
        message: expect.stringContaining("stopped while serving"),
      });
    }
    expect(processes).toHaveLength(5);
    const refused = await worker.submit(infer("/m.onnx"), options()).catch((e: InferenceError) => e);
    expect(refused).toMatchObject({ code: "UNAVAILABLE", message: expect.stringContaining("keeps crashing") });
    expect(processes).toHaveLength(5);
    // A minute later the window has passed: a fresh process is tried again.
    vi.advanceTimersByTime(60_001);
    void worker.submit(infer("/m.onnx"), options()).catch(() => {});
    expect(processes).toHaveLength(6);
  });

  it("happy: a model whose outputs are not one row per input row is never batched again: its requests rerun alone", async () => {
    const { worker, current } = setup();
    const head = worker.submit(infer("/odd.onnx", [ids(2)]), options({ batching: TEXT_BATCHING }));
    const a = worker.submit(infer("/odd.onnx", [ids(2, 1)]), options({ batching: TEXT_BATCHING }));
    const b = worker.submit(infer("/odd.onnx", [ids(2, 2)]), options({ batching: TEXT_BATCHING }));
    answer(current());
    await head;
    expect(current().last.inputs[0]?.shape[0]).toBe(2);
    // A scalar output cannot be split by rows.
    answer(current(), [{ name: "total", datatype: "FP32", shape: [], data: [3] }]);
    expect(current().last.inputs[0]?.shape[0]).toBe(1);
    answer(current());
    expect(current().last.inputs[0]?.shape[0]).toBe(1);
    answer(current());
    await expect(Promise.all([a, b])).resolves.toHaveLength(2);
    const c = worker.submit(infer("/odd.onnx", [ids(2, 3)]), options({ batching: TEXT_BATCHING }));
    const d = worker.submit(infer("/odd.onnx", [ids(2, 4)]), options({ batching: TEXT_BATCHING }));
    expect(current().last.inputs[0]?.shape[0]).toBe(1);
    answer(current());
    answer(current());
    await Promise.all([c, d]);
  });
});
