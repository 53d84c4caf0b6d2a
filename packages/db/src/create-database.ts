import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { type DatabaseConfig, databaseConfigFromEnv } from "./database-config";
import { PrismaClient } from "./generated/prisma/client.js";
import { silenceQueuedQueryWarning } from "./pg-queued-query-warning";
import { fixPgliteScripts } from "./pglite-script-fix";
import { startPgliteThread } from "./pglite-thread";

/** One SQL statement with positional parameters ($1, $2, …), returning its rows. */
export type SqlQuery = <T>(text: string, params: unknown[]) => Promise<T[]>;

export interface Database {
  prisma: PrismaClient;
  kind: DatabaseConfig["kind"];
  /**
   * For hot single statements whose durability is guaranteed by a later synchronous commit of
   * the same request (WAL is one stream: flushing a later commit flushes every earlier one).
   * On PostgreSQL: a small pool of plain `pg` connections with `synchronous_commit = off`,
   * so the statement neither waits for a WAL flush while holding its row lock nor pays Prisma's
   * per-query overhead. On PGlite: its one connection (in this thread: the Prisma client).
   */
  asyncCommitQuery: SqlQuery;
  /**
   * For hot single statements that must be durable when they return (synchronous commit),
   * without Prisma's per-query cost: a small pool of plain `pg` connections on PostgreSQL; on
   * PGlite its one connection (in this thread: PGlite's own query). Either way it waits while a
   * Prisma transaction holds that connection, so it never lands inside one.
   */
  durableQuery: SqlQuery;
  /** The embedded database when it runs in this thread (tests replay migrations through it). */
  pglite?: PGlite;
  close(): Promise<void>;
}

/**
 * The database a process runs on: a PostgreSQL server, or the embedded PGlite in a thread of
 * its own (createDatabaseInThread). Tests that want PGlite in their own thread (in memory) use
 * createDatabaseOnPglite.
 */
export async function createDatabase(config: DatabaseConfig = databaseConfigFromEnv()): Promise<Database> {
  // Both kinds reach the database through pg and Prisma's pg adapter (see the module for why).
  silenceQueuedQueryWarning();
  if (config.kind === "postgres") {
    const adapter = new PrismaPg({ connectionString: config.connectionString, max: config.poolSize });
    const prisma = new PrismaClient({ adapter });
    const fast = new pg.Pool({
      connectionString: config.connectionString,
      max: Math.max(2, Math.ceil(config.poolSize / 2)),
      options: "-c synchronous_commit=off",
    });
    const durable = new pg.Pool({
      connectionString: config.connectionString,
      max: Math.max(2, Math.ceil(config.poolSize / 2)),
    });
    for (const pool of [fast, durable]) {
      // An idle connection dropped by the server must not crash the process; the next query reconnects.
      pool.on("error", () => {});
    }
    return {
      prisma,
      kind: "postgres",
      asyncCommitQuery: rowsOf(fast),
      durableQuery: rowsOf(durable),
      async close() {
        await prisma.$disconnect();
        await fast.end();
        await durable.end();
      },
    };
  }
  return createDatabaseInThread(config.dataDir);
}

/**
 * The embedded database of a running product: PGlite in its own thread, reached over the
 * PostgreSQL wire protocol (pglite-thread.ts), so its WebAssembly runs beside the API's event
 * loop instead of on it. PGlite is one session, so everything shares one connection, as it
 * shares the one session in process: a statement waits while a Prisma transaction holds it.
 */
async function createDatabaseInThread(dataDir: string): Promise<Database> {
  const thread = await startPgliteThread(dataDir);
  // No idle timeout: the one connection stays open for the life of the process.
  const pool = new pg.Pool({ host: thread.host, port: thread.port, user: "postgres", max: 1, idleTimeoutMillis: 0 });
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const query = rowsOf(pool);
  return {
    prisma,
    kind: "pglite",
    asyncCommitQuery: query,
    durableQuery: query,
    async close() {
      await prisma.$disconnect();
      await pool.end();
      await thread.close();
    },
  };
}

function rowsOf(pool: pg.Pool): SqlQuery {
  return async <T>(text: string, params: unknown[]) => (await pool.query(text, params)).rows as T[];
}

/** Wraps an already-open PGlite (tests use an in-memory one). */
export function createDatabaseOnPglite(pglite: PGlite): Database {
  const prisma = new PrismaClient({ adapter: fixPgliteScripts(new PrismaPGlite(pglite)) });
  return {
    prisma,
    kind: "pglite",
    pglite,
    // Through Prisma, like the rest of the API's statements (PGlite's own query, as in
    // durableQuery, would be safe too: it waits while a Prisma transaction holds the connection).
    asyncCommitQuery: <T>(text: string, params: unknown[]) => prisma.$queryRawUnsafe<T[]>(text, ...params),
    durableQuery: async <T>(text: string, params: unknown[]) => (await pglite.query<T>(text, params)).rows,
    async close() {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}
