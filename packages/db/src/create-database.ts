import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { type DatabaseConfig, databaseConfigFromEnv } from "./database-config";
import { PrismaClient } from "./generated/prisma/client.js";
import { openPglite } from "./open-pglite";
import { fixPgliteScripts } from "./pglite-script-fix";

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
   * per-query overhead. On PGlite: the Prisma client (one embedded connection).
   */
  asyncCommitQuery: SqlQuery;
  /**
   * For hot single statements that must be durable when they return (synchronous commit),
   * without Prisma's per-query cost: a small pool of plain `pg` connections on PostgreSQL,
   * PGlite's own query on the embedded database (it waits while a Prisma transaction holds the
   * connection, so it never lands inside one).
   */
  durableQuery: SqlQuery;
  /** The embedded database, when there is one (tests replay migrations through it). */
  pglite?: PGlite;
  close(): Promise<void>;
}

export async function createDatabase(config: DatabaseConfig = databaseConfigFromEnv()): Promise<Database> {
  if (config.kind === "postgres") {
    const adapter = new PrismaPg({ connectionString: config.connectionString, max: config.poolSize });
    const prisma = new PrismaClient({ adapter });
    const fast = new pg.Pool({
      connectionString: config.connectionString,
      max: Math.max(2, Math.ceil(config.poolSize / 2)),
      options: "-c synchronous_commit=off",
    });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    fast.on("error", () => {});
    const durable = new pg.Pool({
      connectionString: config.connectionString,
      max: Math.max(2, Math.ceil(config.poolSize / 2)),
    });
    durable.on("error", () => {});
    return {
      prisma,
      kind: "postgres",
      asyncCommitQuery: async <T>(text: string, params: unknown[]) => (await fast.query(text, params)).rows as T[],
      durableQuery: async <T>(text: string, params: unknown[]) => (await durable.query(text, params)).rows as T[],
      async close() {
        await prisma.$disconnect();
        await fast.end();
        await durable.end();
      },
    };
  }
  const pglite = await openPglite(config.dataDir);
  return createDatabaseOnPglite(pglite);
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
