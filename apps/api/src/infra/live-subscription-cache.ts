import { LRUCache } from "lru-cache";
import type { CacheBus } from "./cache-bus";

/** What the call path needs of a tenant's live subscription to a model. */
export interface LiveSubscription {
  id: string;
  status: "ACTIVE" | "PAST_DUE";
  currentPeriodEnd: Date;
  plan: { monthlyFeeCents: number; rateLimitPerMinute: number };
}

/**
 * Every inference call needs the caller's live subscription to the model (for its id, the
 * plan's rate limit and scheduling weight). Reading it through Prisma cost 3.5 ms per call,
 * so it is kept in memory per (tenant, model).
 *
 * Why a stale entry cannot serve a call it should not: the unit reservation (reserve-units.ts)
 * re-checks status, plan, quota and spend cap in its UPDATE, so a canceled or past-due
 * subscription is refused there whatever this cache says. Staleness can only refuse a call
 * that should pass (a new subscription while the old id is cached), so every change to a
 * tenant's subscriptions drops the tenant's entries on all instances (cache bus), a refused
 * reservation drops its entry, and a load that raced with an invalidation is not stored
 * (generation check). Only found subscriptions are cached: a caller without one is read
 * from the database each time, so a new subscription works at once.
 */
export class LiveSubscriptionCache {
  private readonly cache: LRUCache<string, LiveSubscription> | null;
  /**
   * Bumped by every invalidation; a load that began before one is not stored (it may have read
   * what the invalidation replaced). One counter for all tenants: invalidations are rare, so a
   * load that is needlessly not stored costs one more read at most.
   */
  private generation = 0;

  constructor(ttlMs: number, bus: CacheBus) {
    this.cache = ttlMs > 0 ? new LRUCache({ max: 20_000, ttl: ttlMs }) : null;
    bus.on((message) => {
      if (message.kind === "subscriptions") this.forgetTenant(message.tenantId);
      // Plans changed (catalog) or anything may have changed (all).
      if (message.kind === "catalog" || message.kind === "all") this.clear();
    });
  }

  async getOrLoad(
    tenantId: string,
    modelId: string,
    load: () => Promise<LiveSubscription | null>,
  ): Promise<LiveSubscription | null> {
    if (!this.cache) return load();
    const key = `${tenantId}:${modelId}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const seen = this.generation;
    const value = await load();
    if (value && this.generation === seen) this.cache.set(key, value);
    return value;
  }

  /** Drops one entry (a reservation refused it: the database knows better). */
  forget(tenantId: string, modelId: string): void {
    this.generation++;
    this.cache?.delete(`${tenantId}:${modelId}`);
  }

  private forgetTenant(tenantId: string): void {
    this.generation++;
    if (!this.cache) return;
    for (const key of this.cache.keys()) if (key.startsWith(`${tenantId}:`)) this.cache.delete(key);
  }

  private clear(): void {
    this.generation++;
    this.cache?.clear();
  }
}
