import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";

/**
 * Opens (or creates) an embedded PGlite database. PGlite has no lock between processes:
 * only one process may open a data dir at a time.
 */
export async function openPglite(dataDir: string): Promise<PGlite> {
  if (dataDir !== "memory://") fs.mkdirSync(dataDir, { recursive: true });
  const db = new PGlite({
    dataDir,
    // Without this, reopening an existing data dir arms a 10 s progress timer forever
    // and the process never exits.
    postgresqlconf: ["log_startup_progress_interval = 0"],
  } as ConstructorParameters<typeof PGlite>[0]);
  await db.waitReady;
  return db;
}
