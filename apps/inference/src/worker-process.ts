import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { compiledScript } from "@modelmarket/domain";
import type { WorkerReply, WorkerRequest } from "./worker";

/**
 * The process a TenantWorker supervises: it takes requests and answers them one at a time
 * (worker.ts), and may exit at any moment (crash, OOM kill). TenantWorker holds the queue,
 * deadlines and batching; this is only the process, so that logic is tested against a fake.
 */
export interface WorkerProcess {
  readonly pid: number | undefined;
  send(request: WorkerRequest): void;
  /** SIGTERM to let it finish, SIGKILL to stop a run now (onnxruntime cannot be interrupted). */
  kill(signal: "SIGTERM" | "SIGKILL"): void;
  /** No more replies or exit notices from this process (it is being replaced). */
  detach(): void;
}

export interface WorkerProcessEvents {
  onReply(reply: WorkerReply): void;
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

export type StartWorkerProcess = (events: WorkerProcessEvents) => WorkerProcess;

// src/ and dist/ sit side by side: tests running the sources still start the compiled worker
// (and fail loudly when it is older than src/worker.ts).
const workerScript = () =>
  compiledScript(
    path.resolve(__dirname, "..", "dist", "worker.js"),
    path.resolve(__dirname, "..", "src", "worker.ts"),
    __filename,
  );

/**
 * Starts worker.ts in a child process under its own address-space cap (`ulimit -v` before node
 * starts), talking over IPC with structured clone (typed arrays cross as they are).
 */
export function workerProcessStarter(options: {
  memoryBytes: number;
  env: NodeJS.ProcessEnv;
  /** Niceness of the process (INFERENCE_WORKER_NICE): below the tier's and the API's priority. */
  nice?: number;
}): StartWorkerProcess {
  return (events) => {
    const kib = Math.floor(options.memoryBytes / 1024);
    const child = spawn("/bin/sh", ["-c", `ulimit -v ${kib} && exec "$0" "$1"`, process.execPath, workerScript()], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "advanced",
      env: options.env,
    });
    if (options.nice && child.pid !== undefined) {
      try {
        os.setPriority(child.pid, options.nice);
      } catch {
        // A platform without priorities: the worker runs at the tier's own.
      }
    }
    child.on("message", (reply: WorkerReply) => events.onReply(reply));
    child.on("exit", (code, signal) => events.onExit(code, signal));
    return {
      get pid() {
        return child.pid;
      },
      send: (request) => {
        child.send(request);
      },
      kill: (signal) => {
        child.kill(signal);
      },
      detach: () => {
        child.removeAllListeners("message");
        child.removeAllListeners("exit");
      },
    };
  };
}
