import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { PrismaPGlite } from "pglite-prisma-adapter";

/**
 * pglite-prisma-adapter 0.6.1 starts `executeScript` without awaiting it, so a failing
 * migration is recorded as applied: this makes it await the script and report its error.
 * It also sends parameter-less statements as prepared statements, which refuses a script of
 * several commands (the schema engine replays migrations that way into its shadow
 * database): those go through PGlite's `exec`.
 */
export function fixPgliteScripts(factory: PrismaPGlite): SqlMigrationAwareDriverAdapterFactory {
  const patch = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const client = (adapter as unknown as { client: { exec(sql: string): Promise<unknown> } }).client;
    adapter.executeScript = async (script: string) => {
      await client.exec(script);
    };
    const executeRaw = adapter.executeRaw.bind(adapter);
    adapter.executeRaw = async (query) => {
      if (query.args.length > 0) return executeRaw(query);
      const results = (await client.exec(query.sql)) as { affectedRows?: number }[];
      return results.reduce((sum, r) => sum + (r.affectedRows ?? 0), 0);
    };
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patch(await factory.connect()),
    connectToShadowDb: async () => patch(await factory.connectToShadowDb()),
  };
}
