// Driver adapter used only by the Prisma CLI (prisma.config.ts): `migrate deploy` and
// `migrate diff` against the same database the app uses.
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { databaseConfigFromEnv } from "./database-config";
import { openPglite } from "./open-pglite";
import { fixPgliteScripts } from "./pglite-script-fix";

// Postgres catalog types that adapter-pg 6.19 cannot deserialize; the CLI reads them
// while inspecting the database, so they are reported as text.
const NAME_OID = 19;
const CHAR_OID = 18;
const TEXT_OID = 25;

type Queryable = SqlDriverAdapter & {
  performIO(q: unknown): Promise<{ fields: { dataTypeID: number }[] }>;
};

function reportCatalogTypesAsText<T extends object>(queryable: T): T {
  const q = queryable as unknown as Queryable;
  const performIO = q.performIO.bind(q);
  q.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) {
      if (field.dataTypeID === NAME_OID || field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
    return result;
  };
  const startTransaction = q.startTransaction?.bind(q);
  if (startTransaction) {
    q.startTransaction = async (...args) => reportCatalogTypesAsText(await startTransaction(...args));
  }
  return queryable;
}

let cliAdapter: Promise<SqlMigrationAwareDriverAdapterFactory> | undefined;

/** The CLI may ask for its adapter more than once; the embedded database must be opened once. */
export function createCliAdapter(): Promise<SqlMigrationAwareDriverAdapterFactory> {
  cliAdapter ??= openCliAdapter();
  return cliAdapter;
}

async function openCliAdapter(): Promise<SqlMigrationAwareDriverAdapterFactory> {
  const config = databaseConfigFromEnv();
  // The CLI never closes its adapter; unref its idle timers so the process exits promptly.
  unrefFutureTimers();
  if (config.kind === "postgres") {
    const factory = new PrismaPg({ connectionString: config.connectionString, max: 2, idleTimeoutMillis: 200 });
    return {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: async () => reportCatalogTypesAsText(await factory.connect()),
      connectToShadowDb: async () => reportCatalogTypesAsText(await factory.connectToShadowDb()),
    };
  }
  const pglite = await openPglite(config.dataDir);
  process.once("beforeExit", () => void pglite.close());
  return fixPgliteScripts(new PrismaPGlite(pglite));
}

/** Long timers only (idle pools, PGlite's progress timer): short ones may be work the CLI awaits. */
function unrefFutureTimers(): void {
  const original = globalThis.setTimeout;
  const patched = ((...args: Parameters<typeof setTimeout>) => {
    const timer = original(...args);
    if ((args[1] ?? 0) >= 5_000) timer.unref?.();
    return timer;
  }) as typeof setTimeout;
  globalThis.setTimeout = Object.assign(patched, original);
}
