import { LRUCache } from "lru-cache";
import type { CacheBus } from "./cache-bus";

/**
 * Catalog reads are hot and change rarely. Results are cached per (caller tenant, query);
 * publishing clears it on every instance through the cache bus (at worst within the TTL).
 */
export class CatalogCache {
  private readonly cache: LRUCache<string, { value: unknown }> | null;

  constructor(ttlMs: number, bus: CacheBus) {
    this.cache = ttlMs > 0 ? new LRUCache({ max: 5_000, ttl: ttlMs }) : null;
    bus.on((message) => {
      if (message.kind === "catalog" || message.kind === "all") this.cache?.clear();
    });
  }

  async getOrLoad<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.cache) return load();
    const hit = this.cache.get(key);
    if (hit) return hit.value as T;
    const value = await load();
    this.cache.set(key, { value });
    return value;
  }

  /** A stored value, or undefined; for callers that fill the cache themselves (put). */
  peek<T>(key: string): T | undefined {
    return this.cache?.get(key)?.value as T | undefined;
  }

  put(key: string, value: unknown): void {
    this.cache?.set(key, { value });
  }
}
