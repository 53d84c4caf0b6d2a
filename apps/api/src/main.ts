import "reflect-metadata";
import { createDatabase, pendingMigrations } from "@modelmarket/db";
import { createServices, startApi } from "./app";
import { loadEnv } from "./env";
import { createLogger } from "./infra/logger";
import { seedDemo } from "./seed/seed-demo";
import { scheduleReservationReconcile } from "./use-cases/billing/reconcile-reservations";
import { scheduleBillingClose } from "./use-cases/billing/schedule-billing-close";
import { scheduleStripeSync } from "./use-cases/billing/stripe/schedule-stripe-sync";

async function main() {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  const db = await createDatabase(env.database);
  const pending = await pendingMigrations(db.prisma);
  if (pending.length) {
    await db.close();
    throw new Error(
      `The database lacks ${pending.length} migration(s) (${pending.join(", ")}): run \`npm run db:migrate\`.`,
    );
  }
  const services = createServices(env, db, logger);
  if (env.SEED_DEMO) {
    const demo = await seedDemo(services);
    logger.info({ publisher: demo.email, models: demo.models }, "demo data ready");
  }
  const api = await startApi(services, env.PORT, env.HOST);
  const billing = scheduleBillingClose(services);
  const stripeSync = scheduleStripeSync(services);
  const reconcile = scheduleReservationReconcile(services);
  logger.info(
    { url: `${api.url}/graphql`, database: db.kind, billing: services.stripe ? "stripe" : "internal ledger" },
    "API listening",
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    clearInterval(billing);
    clearInterval(stripeSync);
    clearInterval(reconcile);
    await api.close();
    await db.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
