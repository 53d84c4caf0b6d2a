import fs from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { openPglite } from "./open-pglite";

/**
 * The embedded database in its own thread (pglite-thread.ts starts it): PGlite runs every
 * statement synchronously in WebAssembly, ~2 ms for a call's charge, which on the API's thread
 * held up every other request for as long (45 % of the API's CPU at 16 connections). Here it
 * serves the PostgreSQL wire protocol on a Unix socket, one connection (PGlite is one session),
 * and the API reaches it through the same `pg` driver and Prisma adapter as a PostgreSQL server.
 */
export interface PgliteServerInput {
  dataDir: string;
  /** The socket's file: `<dir>/.s.PGSQL.<port>`, as libpq and node-postgres name it. */
  socketPath: string;
}

/** What the thread tells its parent. */
export type PgliteServerMessage = { kind: "ready" } | { kind: "failed"; message: string } | { kind: "closed" };

async function serve({ dataDir, socketPath }: PgliteServerInput) {
  const port = parentPort;
  if (!port) throw new Error("pglite-server.worker runs as a worker thread");
  const db = await openPglite(dataDir);
  // The data dir's lock is ours: a socket file left here belongs to a process that is gone.
  fs.rmSync(socketPath, { force: true });
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 1 });
  await server.start();
  port.on("message", async (message: { kind: string }) => {
    if (message.kind !== "close") return;
    // The parent terminates the thread after this answer; a failing stop must not keep it waiting.
    await server.stop().catch(() => {});
    await db.close().catch(() => {});
    port.postMessage({ kind: "closed" } satisfies PgliteServerMessage);
  });
  port.postMessage({ kind: "ready" } satisfies PgliteServerMessage);
}

serve(workerData as PgliteServerInput).catch((error: unknown) => {
  parentPort?.postMessage({
    kind: "failed",
    message: error instanceof Error ? error.message : String(error),
  } satisfies PgliteServerMessage);
});
