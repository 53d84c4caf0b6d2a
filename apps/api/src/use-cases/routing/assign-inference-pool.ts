import { badInput, newId, notFound } from "@modelmarket/domain";
import type { AppServices } from "../../services";

export interface PoolAssignment {
  tenantSlug: string;
  /** null: back to the shared pool. */
  pool: { name: string; url?: string } | null;
}

/** The Service of a tenant's dedicated pool as `npm run k8s:render` names it. */
export function dedicatedPoolUrl(tenantSlug: string): string {
  return `http://inference.mm-tenant-${tenantSlug}.svc:4001`;
}

/**
 * Moves a tenant to a dedicated inference pool (created or updated by name) or back to the
 * shared pool, and tells every API instance to drop its cached route: the next call goes to
 * the new pool, no restart needed.
 */
export async function assignInferencePool(services: AppServices, assignment: PoolAssignment) {
  const tenant = await services.db.tenant.findUnique({ where: { slug: assignment.tenantSlug } });
  if (!tenant) throw notFound(`Tenant "${assignment.tenantSlug}"`);
  let pool: { id: string; name: string; url: string } | null = null;
  if (assignment.pool) {
    const url = assignment.pool.url ?? dedicatedPoolUrl(tenant.slug);
    if (!/^https?:\/\/[^/\s]+\/?$/.test(url)) throw badInput(`"${url}" is not an http(s) base URL`, "url");
    pool = await services.db.inferencePool.upsert({
      where: { name: assignment.pool.name },
      create: { id: newId("inferencePool"), name: assignment.pool.name, url: url.replace(/\/$/, "") },
      update: { url: url.replace(/\/$/, "") },
    });
  }
  await services.db.tenant.update({ where: { id: tenant.id }, data: { inferencePoolId: pool?.id ?? null } });
  await services.cacheBus.publish({ kind: "tenant-route", tenantId: tenant.id });
  return { tenantId: tenant.id, endpoint: pool };
}
