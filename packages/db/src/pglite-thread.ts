import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { PgliteServerInput, PgliteServerMessage } from "./pglite-server.worker";

/** The thread's code, compiled (also when this module runs from its TypeScript source, in tests). */
const WORKER_FILE = path.join(
  path.dirname(require.resolve("@modelmarket/db/package.json")),
  "dist",
  "pglite-server.worker.js",
);

/** The port in the socket's file name (`.s.PGSQL.<port>`): any number, PostgreSQL's own here. */
const SOCKET_PORT = 5432;

export interface PgliteThread {
  /** node-postgres connects to `<host>/.s.PGSQL.<port>` when `host` is a directory. */
  host: string;
  port: number;
  /** Stops the server and closes the database (its data dir lock is released). */
  close(): Promise<void>;
}

/** Longest Unix socket path Linux and macOS take (sun_path is 108 and 104 bytes with its NUL). */
const MAX_SOCKET_PATH = 103;

/**
 * Starts the embedded database on `dataDir` in a worker thread serving the PostgreSQL wire
 * protocol on a Unix socket (pglite-server.worker.ts). The socket lives beside the data, in
 * `<DATA_DIR>/pglite-socket/` (private to whoever owns the data; its stale file from a killed
 * process is replaced once the data dir's lock is held). When that path is too long for a
 * socket, it goes in a fresh private directory under the system's temp dir instead, removed on
 * close.
 */
export async function startPgliteThread(dataDir: string): Promise<PgliteThread> {
  const socketName = `.s.PGSQL.${SOCKET_PORT}`;
  const besideData = path.join(path.dirname(dataDir), "pglite-socket");
  const temporary = dataDir.startsWith("memory://") || path.join(besideData, socketName).length > MAX_SOCKET_PATH;
  const host = temporary ? fs.mkdtempSync(path.join(os.tmpdir(), "modelmarket-pglite-")) : privateDir(besideData);
  const input: PgliteServerInput = { dataDir, socketPath: path.join(host, socketName) };
  const worker = new Worker(WORKER_FILE, { workerData: input });
  const removeSocketDir = () => {
    if (temporary) fs.rmSync(host, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      // Whichever comes first settles the start; the other two listeners go with it.
      const settle = (error: Error | null) => {
        worker.off("error", failed);
        worker.off("exit", exited);
        worker.off("message", answered);
        if (error) reject(error);
        else resolve();
      };
      const failed = (error: Error) => settle(error);
      const exited = (code: number) => settle(new Error(`the embedded database's thread exited (${code})`));
      const answered = (message: PgliteServerMessage) =>
        settle(
          message.kind === "ready"
            ? null
            : new Error(message.kind === "failed" ? message.message : "the embedded database did not start"),
        );
      worker.once("error", failed);
      worker.once("exit", exited);
      worker.once("message", answered);
    });
  } catch (error) {
    await worker.terminate();
    removeSocketDir();
    throw error;
  }
  let closing: Promise<void> | null = null;
  // A crash of the thread is a crash of the database: the process must not go on without it
  // (a supervisor — npm start's, Kubernetes — restarts it; the data dir's lock turns stale).
  worker.on("error", (error) => {
    throw error;
  });
  worker.on("exit", (code) => {
    if (!closing) throw new Error(`the embedded database's thread stopped (exit code ${code})`);
  });
  return {
    host,
    port: SOCKET_PORT,
    close() {
      closing ??= new Promise<void>((resolve) => {
        worker.once("message", () => resolve());
        worker.once("exit", () => resolve());
        worker.postMessage({ kind: "close" });
      }).then(async () => {
        await worker.terminate();
        removeSocketDir();
      });
      return closing;
    },
  };
}

/** `dir` created readable by this user only (its parent, the data's, as it would be anyway). */
function privateDir(dir: string): string {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
