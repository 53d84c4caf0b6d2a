import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { type DatabaseConfig, databaseConfigFromEnv } from "./database-config";
import { PrismaClient } from "./generated/prisma/client.js";
import { openPglite } from "./open-pglite";
import { fixPgliteScripts } from "./pglite-script-fix";

export interface Database {
  prisma: PrismaClient;
  kind: DatabaseConfig["kind"];
  /** The embedded database, when there is one (tests replay migrations through it). */
  pglite?: PGlite;
  close(): Promise<void>;
}

export async function createDatabase(config: DatabaseConfig = databaseConfigFromEnv()): Promise<Database> {
  if (config.kind === "postgres") {
    const adapter = new PrismaPg({ connectionString: config.connectionString, max: config.poolSize });
    const prisma = new PrismaClient({ adapter });
    return { prisma, kind: "postgres", close: () => prisma.$disconnect() };
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
    async close() {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}
