import "reflect-metadata";
import { createDatabase } from "@modelmarket/db";
import { closeServices, createServices } from "../app";
import { loadEnv } from "../env";
import { createLogger } from "../infra/logger";
import type { AppServices } from "../services";

/**
 * Runs a command-line task with the API's services on the configured database, closes
 * everything afterwards, and turns a failure into a message and exit code 1.
 */
export function runWithServices(task: (services: AppServices) => Promise<void>): void {
  const main = async () => {
    const env = loadEnv();
    const db = await createDatabase(env.database);
    try {
      const services = createServices(env, db, createLogger("warn"));
      try {
        await task(services);
      } finally {
        await closeServices(services);
      }
    } finally {
      await db.close();
    }
  };
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
