import fs from "node:fs";
import path from "node:path";

/** The committed migration folder, in the order `prisma migrate deploy` applies it. */
export function migrationScripts(migrationsDir = defaultMigrationsDir()): { name: string; sql: string }[] {
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, sql: fs.readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8") }));
}

export function defaultMigrationsDir(): string {
  // packages/db/{src,dist} → repo root
  return path.resolve(__dirname, "..", "..", "..", "prisma", "migrations");
}

/**
 * Replays the migration SQL directly. Only for tests and benchmarks, where running the
 * CLI for every fresh database would cost seconds; the app itself uses `migrate deploy`.
 */
export async function applyMigrationsDirectly(exec: (sql: string) => Promise<unknown>): Promise<void> {
  for (const { sql } of migrationScripts()) await exec(sql);
}
