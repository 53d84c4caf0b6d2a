export * from "./generated/prisma/client.js";
export { applyMigrationsDirectly, migrationScripts } from "./apply-migrations";
export { type Database, createDatabase, createDatabaseOnPglite } from "./create-database";
export { type DatabaseConfig, EMBEDDED_DATABASE_URL, databaseConfigFromEnv } from "./database-config";
export { isForeignKeyViolation, isUniqueViolation } from "./db-errors";
export { openPglite } from "./open-pglite";
