// `npm run tenant:pool -- --tenant acme --pool acme-gpu [--url http://…:4001]` moves a tenant's
// inference to a dedicated pool (default URL: the Service `npm run k8s:render` creates for it);
// `--tenant acme --shared` moves it back. Running API instances pick the change up at once when
// they share REDIS_URL with this command (else within ROUTING_CACHE_TTL_MS).
import { parseArgs } from "node:util";
import { assignInferencePool } from "../use-cases/routing/assign-inference-pool";
import { runWithServices } from "./with-services";

runWithServices(async (services) => {
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
  const pool = values.pool ? { name: values.pool, url: values.url } : null;
  const result = await assignInferencePool(services, { tenantSlug: values.tenant, pool });
  const where = result.endpoint
    ? `${result.endpoint.name} (${result.endpoint.url})`
    : `shared pool (${services.env.INFERENCE_URL})`;
  console.log(`tenant ${values.tenant} → ${where}`);
});
