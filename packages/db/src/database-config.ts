import path from "node:path";

/** Where the data lives, decided once from the environment. */
export type DatabaseConfig =
  | { kind: "pglite"; dataDir: string }
  | { kind: "postgres"; connectionString: string; poolSize: number };

/**
 * No DATABASE_URL (or the embedded marker URL) → PGlite in `${DATA_DIR}/pglite`, so a
 * fresh clone needs no server. A postgres:// URL → a real PostgreSQL server.
 */
export function databaseConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (!url || url === EMBEDDED_DATABASE_URL) {
    const dataDir = path.resolve(env.DATA_DIR ?? "data");
    return { kind: "pglite", dataDir: path.join(dataDir, "pglite") };
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(`DATABASE_URL must be a postgres:// URL (got "${url.split(":")[0]}:…")`);
  }
  const poolSize = Number(env.DATABASE_POOL_SIZE ?? 10);
  return { kind: "postgres", connectionString: url, poolSize };
}

/**
 * The Prisma CLI insists on a postgres URL in schema.prisma even when a driver adapter
 * does the work; this value stands for "the embedded database".
 */
export const EMBEDDED_DATABASE_URL = "postgresql://embedded@pglite/modelmarket";
