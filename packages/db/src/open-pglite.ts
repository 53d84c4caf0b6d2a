import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import lockfile from "proper-lockfile";

/** A lock older than this is left over from a crashed process and may be taken over. */
const STALE_LOCK_MS = 10_000;

/**
 * Opens (or creates) an embedded PGlite database. PGlite has no lock between processes and
 * two processes on one data dir corrupt it silently, so the dir is locked for as long as
 * it is open; a second process gets a clear error instead.
 */
export async function openPglite(dataDir: string): Promise<PGlite> {
  if (dataDir.startsWith("memory://")) return start(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, {
      lockfilePath: path.join(path.dirname(dataDir), `${path.basename(dataDir)}.lock`),
      stale: STALE_LOCK_MS,
      // A process that just crashed leaves a lock that turns stale within STALE_LOCK_MS.
      retries: { retries: 6, minTimeout: 500, maxTimeout: 2_000 },
      // The lock file vanished (data folder removed under us): say so rather than crash.
      onCompromised: (error) => {
        process.emitWarning(`lock of the embedded database at ${dataDir} was lost: ${error.message}`);
      },
    });
  } catch (error) {
    if ((error as { code?: string }).code === "ELOCKED") {
      throw new Error(
        `The embedded database at ${dataDir} is in use by another process. Stop that process ` +
          "(only one process may open it), or set DATABASE_URL to use a PostgreSQL server.",
      );
    }
    throw error;
  }
  try {
    const db = await start(dataDir);
    const close = db.close.bind(db);
    db.close = async () => {
      try {
        await close();
      } finally {
        await release().catch(() => {});
      }
    };
    return db;
  } catch (error) {
    await release();
    throw error;
  }
}

async function start(dataDir: string): Promise<PGlite> {
  const db = new PGlite({
    dataDir,
    // Without this, reopening an existing data dir arms a 10 s progress timer forever
    // and the process never exits.
    postgresqlconf: ["log_startup_progress_interval = 0"],
  } as ConstructorParameters<typeof PGlite>[0]);
  await db.waitReady;
  return db;
}
