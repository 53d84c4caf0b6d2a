import { AppError } from "@modelmarket/domain";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

/**
 * Calls per minute per subscription, as the plan allows: in memory by default, in Redis when
 * REDIS_URL is set (then shared by every API instance). One limiter per distinct rate.
 */
export class InferenceRateLimits {
  private readonly limiters = new Map<number, RateLimiterMemory | RateLimiterRedis>();

  constructor(
    private readonly enabled: boolean,
    readonly redis: Redis | null,
  ) {}

  async consume(subscriptionId: string, perMinute: number): Promise<void> {
    await this.take(`sub:${subscriptionId}`, perMinute, `The plan allows ${perMinute} calls per minute; retry later.`);
  }

  /**
   * previewVersion runs a publisher's examples and decodes its sample image unbilled, so it is
   * limited per organisation like a call is per subscription.
   */
  async consumePreview(tenantId: string, perMinute: number): Promise<void> {
    await this.take(`preview:${tenantId}`, perMinute, `At most ${perMinute} previews per minute; retry later.`);
  }

  /** A publisher calling its own model without a subscription (own use): not billed, so limited. */
  async consumeOwnUse(tenantId: string, perMinute: number): Promise<void> {
    await this.take(
      `own:${tenantId}`,
      perMinute,
      `Calls to your own models without a subscription are limited to ${perMinute} per minute (OWN_MODEL_CALLS_PER_MINUTE); subscribe to one of its plans for more.`,
    );
  }

  private async take(key: string, perMinute: number, refusal: string): Promise<void> {
    // INFERENCE_RATE_LIMITS=off: for load tests that measure the tier, never in production.
    if (!this.enabled) return;
    let limiter = this.limiters.get(perMinute);
    if (!limiter) {
      const options = { keyPrefix: `mm:inference:${perMinute}`, points: perMinute, duration: 60 };
      // If Redis is unreachable, each instance falls back to its own in-memory count rather
      // than failing calls.
      limiter = this.redis
        ? new RateLimiterRedis({
            ...options,
            storeClient: this.redis,
            insuranceLimiter: new RateLimiterMemory(options),
          })
        : new RateLimiterMemory(options);
      this.limiters.set(perMinute, limiter);
    }
    try {
      await limiter.consume(key, 1);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      throw new AppError("RATE_LIMITED", refusal, {
        retryAfterMs: Math.max(1, error.msBeforeNext),
      });
    }
  }
}
