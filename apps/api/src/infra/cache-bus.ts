import type { Redis } from "ioredis";
import type { Logger } from "./logger";

/** What a cache entry depends on; a message drops the entries that depend on it. */
export type Invalidation =
  | { kind: "api-key"; secretHash: string }
  | { kind: "catalog" }
  | { kind: "tenant-route"; tenantId: string }
  /** A tenant subscribed, canceled, switched plan or fell past due. */
  | { kind: "subscriptions"; tenantId: string }
  /** Anything may have changed (sent to ourselves after a lost Redis connection). */
  | { kind: "all" };

export const INVALIDATION_CHANNEL = "mm:cache-invalidation";

/**
 * Cache invalidation across API instances. Every instance keeps small in-process caches (API
 * keys, catalog responses, tenant routes); a change made on one instance is applied to its own
 * caches at once and published on Redis, so every other instance drops the entry within
 * milliseconds. Without Redis (one instance) it is a local fan-out. When the subscription is
 * lost, messages may be missed, so on every reconnect all caches are flushed; the caches' TTL
 * bounds staleness while Redis is down.
 */
export class CacheBus {
  private readonly handlers = new Set<(message: Invalidation) => void>();
  private readonly subscriber: Redis | null;
  private connectedOnce = false;

  constructor(
    private readonly publisher: Redis | null,
    private readonly logger: Logger,
  ) {
    this.subscriber = publisher ? publisher.duplicate({ enableOfflineQueue: true }) : null;
    this.subscriber?.on("ready", () => {
      // The first connection has nothing to catch up on; later ones may have missed messages.
      if (this.connectedOnce) this.apply({ kind: "all" });
      this.connectedOnce = true;
    });
    this.subscriber?.on("error", (error) => this.logger.warn({ err: error }, "cache bus: Redis subscriber error"));
    this.subscriber?.on("message", (_channel: string, raw: string) => {
      try {
        this.apply(JSON.parse(raw) as Invalidation);
      } catch (error) {
        this.logger.warn({ err: error }, "cache bus: malformed message ignored");
      }
    });
    void this.subscriber?.subscribe(INVALIDATION_CHANNEL).catch((error: unknown) => {
      this.logger.warn({ err: error }, "cache bus: could not subscribe; caches rely on their TTL");
    });
  }

  /** Registers a cache; handlers must be cheap and must not throw. */
  on(handler: (message: Invalidation) => void): void {
    this.handlers.add(handler);
  }

  /** Applies the invalidation here and tells the other instances. */
  async publish(message: Invalidation): Promise<void> {
    this.apply(message);
    if (!this.publisher) return;
    try {
      await this.publisher.publish(INVALIDATION_CHANNEL, JSON.stringify(message));
    } catch (error) {
      this.logger.warn({ err: error, message }, "cache bus: publish failed; other instances rely on the TTL");
    }
  }

  close(): void {
    this.subscriber?.disconnect();
  }

  private apply(message: Invalidation): void {
    for (const handler of this.handlers) handler(message);
  }
}
