import { migrationScripts } from "./apply-migrations";
import type { PrismaClient } from "./generated/prisma/client.js";

/**
 * Names of committed migrations the database has not applied, so that a server started
 * without `prisma migrate deploy` stops with a clear message instead of failing on a
 * missing table later.
 */
export async function pendingMigrations(prisma: PrismaClient): Promise<string[]> {
  let applied: { migration_name: string }[] = [];
  try {
    applied = await prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  } catch {
    // No migrations table yet: nothing is applied.
  }
  const done = new Set(applied.map((m) => m.migration_name));
  return migrationScripts()
    .map((m) => m.name)
    .filter((name) => !done.has(name));
}
