export { applyMigrationsDirectly, migrationScripts } from "./apply-migrations";
export { createDatabase, createDatabaseOnPglite, type Database, type SqlQuery } from "./create-database";
export { type DatabaseConfig, databaseConfigFromEnv, EMBEDDED_DATABASE_URL } from "./database-config";
export { isForeignKeyViolation, isUniqueViolation } from "./db-errors";
export * from "./generated/prisma/client.js";
export { openPglite } from "./open-pglite";
export { pendingMigrations } from "./pending-migrations";
