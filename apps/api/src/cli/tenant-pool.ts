// `npm run tenant:pool -- --tenant acme --pool acme-gpu [--url http://…:4001]` moves a tenant's
// inference to a dedicated pool (default URL: the Service `npm run k8s:render` creates for it);
// `--tenant acme --shared` moves it back. Running API instances pick the change up at once when
// they share REDIS_URL with this command (else within ROUTING_CACHE_TTL_MS).
import "reflect-metadata";
import { parseArgs } from "node:util";
import { createDatabase, databaseConfigFromEnv } from "@modelmarket/db";
import { closeServices, createServices } from "../app";
import { loadEnv } from "../env";
import { createLogger } from "../infra/logger";
import { assignInferencePool } from "../use-cases/routing/assign-inference-pool";

async function main() {
  const { values } = parseArgs({
    options: {
      tenant: { type: "string" },
      pool: { type: "string" },
      url: { type: "string" },
      shared: { type: "boolean", default: false },
    },
  });
  if (!values.tenant || (!values.pool && !values.shared) || (values.pool && values.shared)) {
    throw new Error("usage: --tenant <slug> (--pool <name> [--url <base url>] | --shared)");
  }
  const env = loadEnv();
  const db = await createDatabase(databaseConfigFromEnv({ ...process.env, DATA_DIR: env.dataDir }));
  try {
    const services = createServices(env, db.prisma, createLogger("warn"));
    try {
      const pool = values.pool ? { name: values.pool, url: values.url } : null;
      const result = await assignInferencePool(services, { tenantSlug: values.tenant, pool });
      console.log(
        `tenant ${values.tenant} → ${result.endpoint ? `${result.endpoint.name} (${result.endpoint.url})` : `shared pool (${env.INFERENCE_URL})`}`,
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
