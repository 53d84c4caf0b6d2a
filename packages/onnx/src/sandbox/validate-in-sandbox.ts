import { spawn } from "node:child_process";
import path from "node:path";
import { compiledScript } from "@modelmarket/domain";
import type { ChildReport } from "./load-model.child";
import type { TrialRun } from "./trial-run";

export interface SandboxLimits {
  /** Address-space cap of the child (RLIMIT_AS); node and onnxruntime need about 1 GiB of it themselves. */
  memoryBytes: number;
  timeoutMs: number;
}

export type SandboxResult = ({ ok: true } & TrialRun) | { ok: false; reason: string };

// src/sandbox and dist/sandbox are both two levels below the package; the child runs compiled
// (and a test running the sources fails loudly when the compiled child is out of date).
const childScript = () =>
  compiledScript(
    path.resolve(__dirname, "..", "..", "dist", "sandbox", "load-model.child.js"),
    path.resolve(__dirname, "..", "..", "src", "sandbox", "load-model.child.ts"),
    __filename,
  );

/**
 * Loads an untrusted ONNX file once, and runs it once on zero inputs, in a throwaway child
 * process with a memory cap and a time limit. Memory bombs (a few hundred bytes can make
 * onnxruntime allocate gigabytes while creating a session), crashes and hangs hit only the
 * child; the caller gets a reason.
 */
export function validateInSandbox(file: string, limits: SandboxLimits): Promise<SandboxResult> {
  const kib = Math.floor(limits.memoryBytes / 1024);
  return new Promise((resolve) => {
    // `ulimit -v` sets RLIMIT_AS before node starts; allocations beyond it fail in the child.
    const child = spawn(
      "/bin/sh",
      ["-c", `ulimit -v ${kib} && exec "$0" "$1" "$2"`, process.execPath, childScript(), file],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ORT_LOGGING_LEVEL: "3" },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      if (stderr.length < 4000) stderr += d;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, limits.timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (timedOut)
        return resolve({ ok: false, reason: `loading and running it took longer than ${limits.timeoutMs} ms` });
      const line = stdout.trim().split("\n").pop();
      try {
        const report = JSON.parse(line ?? "") as ChildReport;
        if (report.ok) return resolve(report);
        if (ALLOCATION_FAILURE.test(report.message)) {
          return resolve({ ok: false, reason: `it needs more than the ${formatBytes(limits.memoryBytes)} memory cap` });
        }
        return resolve({ ok: false, reason: `onnxruntime failed to ${report.stage} it: ${firstLine(report.message)}` });
      } catch {
        const memory = ALLOCATION_FAILURE.test(stderr);
        return resolve({
          ok: false,
          reason: memory
            ? `it needs more than the ${formatBytes(limits.memoryBytes)} memory cap`
            : `the loader crashed (${signal ?? `exit ${code}`})`,
        });
      }
    });
  });
}

const ALLOCATION_FAILURE = /bad_alloc|AllocateRaw|out of memory|Cannot allocate|Failed to allocate|heap limit/i;

/** The first line of onnxruntime's message, without this machine's paths or process ids. */
export function firstLine(message: string): string {
  return (message.split("\n")[0] ?? "")
    .replace(/(?:[A-Za-z]:)?(?:[\\/][\w.@+~-]+){2,}[\\/]?/g, "<model file>")
    .replace(/\b(?:pid|process(?: id)?)[\s:=#]*\d+/gi, "")
    .slice(0, 300);
}

function formatBytes(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}
