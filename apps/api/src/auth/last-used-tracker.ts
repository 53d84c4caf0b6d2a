import type { PrismaClient } from "@modelmarket/db";
import type { Logger } from "../infra/logger";

/**
 * Keeps API keys' `lastUsedAt` without a database write per call: uses are remembered in
 * memory and written in one statement every few seconds (and at shutdown).
 */
export class LastUsedTracker {
  private pending = new Map<string, Date>();
  private timer: NodeJS.Timeout;

  constructor(
    private readonly db: PrismaClient,
    private readonly logger: Logger,
    flushEveryMs: number,
  ) {
    this.timer = setInterval(() => void this.flush(), flushEveryMs);
    this.timer.unref();
  }

  touch(apiKeyId: string, at = new Date()): void {
    this.pending.set(apiKeyId, at);
  }

  /** A use not written yet, so listings are current before the next flush. */
  pendingFor(apiKeyId: string): Date | undefined {
    return this.pending.get(apiKeyId);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const ids = [...batch.keys()];
    const times = ids.map((id) => (batch.get(id) as Date).toISOString());
    try {
      await this.db.$executeRaw`
        UPDATE "ApiKey" AS k SET "lastUsedAt" = u.at
        FROM unnest(${ids}::text[], ${times}::timestamptz[]) AS u(id, at)
        WHERE k.id = u.id AND (k."lastUsedAt" IS NULL OR k."lastUsedAt" < u.at)`;
    } catch (error) {
      this.logger.warn({ err: error }, "could not record API key use; will retry");
      for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
