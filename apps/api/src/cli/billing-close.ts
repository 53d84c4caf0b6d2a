// `npm run billing:close -- --period 2026-11`: closes a calendar month into invoices and
// payout entries. Idempotent: a second run changes nothing. With the embedded database the
// running API holds it, so stop the API first (its hourly schedule closes periods anyway).
import "reflect-metadata";
import { createDatabase, databaseConfigFromEnv } from "@modelmarket/db";
import { closeServices, createServices } from "../app";
import { loadEnv } from "../env";
import { createLogger } from "../infra/logger";
import { closePeriod, previousMonth } from "../use-cases/billing/close-period";

async function main() {
  const args = process.argv.slice(2);
  const index = args.indexOf("--period");
  const period = index >= 0 ? (args[index + 1] as string) : previousMonth(new Date());
  const env = loadEnv();
  const db = await createDatabase(databaseConfigFromEnv({ ...process.env, DATA_DIR: env.dataDir }));
  try {
    const services = createServices(env, db.prisma, createLogger("warn"));
    try {
      const result = await closePeriod(services, period);
      console.log(
        `period ${result.period}: ${result.invoices} invoice(s) created, ${result.alreadyClosed} already closed before`,
      );
    } finally {
      await closeServices(services);
    }
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
