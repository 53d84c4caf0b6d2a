// Prisma CLI configuration. Uses the JS schema engine with a driver adapter so that
// `prisma generate` and `prisma migrate deploy` need no native binary (see STACK-NOTES).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { createCliAdapter } from "./packages/db/src/cli-adapter";
import { EMBEDDED_DATABASE_URL } from "./packages/db/src/database-config";

// schema.prisma must see a postgres URL or the CLI tries to download a query engine;
// without DATABASE_URL the embedded PGlite database is meant.
process.env.DATABASE_URL ||= EMBEDDED_DATABASE_URL;

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => createCliAdapter(),
});
