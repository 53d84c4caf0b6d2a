import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InferenceRateLimits } from "./inference-rate-limits";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
let redis: Redis | null = null;

beforeAll(async () => {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  try {
    await client.connect();
    await client.ping();
    redis = client;
  } catch (error) {
    client.disconnect();
    // Under CI a missing Redis is a failure, not a skip (.ci/run starts it).
    if (process.env.CI === "true") throw error;
  }
});
afterAll(() => redis?.disconnect());

describe("plan rate limits", () => {
  it("error: in memory, the plan's calls per minute pass and the next one is RATE_LIMITED with a retry hint", async () => {
    const limits = new InferenceRateLimits(true, null);
    for (let i = 0; i < 5; i++) await limits.consume("sub_memory", 5);
    await expect(limits.consume("sub_memory", 5)).rejects.toMatchObject({
      code: "RATE_LIMITED",
      extensions: { retryAfterMs: expect.any(Number) },
    });
  });

  it("error: own use (a publisher's calls to its own model without a subscription) has its own per-minute limit, said so", async () => {
    const limits = new InferenceRateLimits(true, null);
    for (let i = 0; i < 3; i++) await limits.consumeOwnUse("tnt_own", 3);
    await expect(limits.consumeOwnUse("tnt_own", 3)).rejects.toMatchObject({
      code: "RATE_LIMITED",
      message: expect.stringContaining("OWN_MODEL_CALLS_PER_MINUTE"),
    });
    // Another organisation's budget is its own.
    await limits.consumeOwnUse("tnt_other", 3);
  });

  it("happy: with Redis, two API instances share one budget per subscription", async (ctx) => {
    if (!redis) return ctx.skip();
    const key = `sub_shared_${Date.now()}`;
    const a = new InferenceRateLimits(true, redis);
    const second = redis.duplicate();
    await second.connect();
    const b = new InferenceRateLimits(true, second);
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).consume(key, 6)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(6);
    b.redis?.disconnect();
  });

  it("happy: switched off (load tests), nothing is limited", async () => {
    const limits = new InferenceRateLimits(false, null);
    for (let i = 0; i < 50; i++) await limits.consume("sub_off", 1);
  });
});
