import type { PrismaClient } from "@modelmarket/db";
import { LRUCache } from "lru-cache";
import type { CacheBus } from "./cache-bus";

/**
 * Which inference endpoint serves a tenant: its dedicated pool when the database names one,
 * otherwise the shared pool. Read through a short cache that the cache bus clears when a
 * tenant is moved, so a move takes effect on every instance without a restart.
 */
export class TenantRouter {
  private readonly cache: LRUCache<string, { url: string }> | null;

  constructor(
    private readonly db: PrismaClient,
    private readonly sharedUrl: string,
    bus: CacheBus,
    cacheTtlMs: number,
  ) {
    this.cache = cacheTtlMs > 0 ? new LRUCache({ max: 50_000, ttl: cacheTtlMs }) : null;
    bus.on((message) => {
      if (message.kind === "tenant-route") this.cache?.delete(message.tenantId);
      else if (message.kind === "all") this.cache?.clear();
    });
  }

  async endpointFor(tenantId: string): Promise<string> {
    const hit = this.cache?.get(tenantId);
    if (hit) return hit.url;
    const tenant = await this.db.tenant.findUnique({
      where: { id: tenantId },
      select: { inferencePool: { select: { url: true } } },
    });
    const url = tenant?.inferencePool?.url ?? this.sharedUrl;
    this.cache?.set(tenantId, { url });
    return url;
  }
}
