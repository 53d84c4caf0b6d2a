import type { PrismaClient } from "@modelmarket/db";
import type { Logger } from "./logger";

export interface UsageEventRow {
  id: string;
  requestId: string;
  tenantId: string;
  apiKeyId: string | null;
  subscriptionId: string;
  modelVersionId: string;
  outcome: "SUCCESS" | "ERROR";
  units: number;
  billedUnits: number;
  amountMicros: bigint;
  latencyMs: number;
  idempotencyKey: string | null;
  requestHash: string | null;
  response: unknown;
  createdAt: Date;
}

type Pending = { row: UsageEventRow; resolve: (inserted: boolean) => void; reject: (error: unknown) => void };

/**
 * Group commit for usage events: calls that finish together share one multi-row INSERT, so
 * making every billed call durable before its response costs one round trip per batch, not
 * per call. `record` resolves once the row is committed — true when inserted, false when the
 * database already held an event for the same request id or idempotency key (a retry), which
 * the unique constraints guarantee is never counted twice.
 */
export class UsageWriter {
  private pending: Pending[] = [];
  private flushing = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: PrismaClient,
    private readonly logger: Logger,
    private readonly options: { maxDelayMs: number; maxBatch: number },
  ) {}

  record(row: UsageEventRow): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      this.schedule();
    });
  }

  /** Waits until everything recorded so far is committed (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.pending.length || this.flushing) await new Promise((r) => setTimeout(r, 1));
  }

  private schedule(): void {
    if (this.flushing || this.timer) return;
    if (this.pending.length >= this.options.maxBatch || this.options.maxDelayMs <= 0) {
      void this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.options.maxDelayMs);
  }

  private async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending.splice(0, this.options.maxBatch);
    if (!batch.length) return;
    this.flushing = true;
    try {
      const inserted = await this.db.usageEvent.createManyAndReturn({
        data: batch.map(({ row }) => ({
          ...row,
          response: row.response === null || row.response === undefined ? undefined : (row.response as object),
        })),
        skipDuplicates: true,
        select: { id: true },
      });
      const ids = new Set(inserted.map((r) => r.id));
      for (const p of batch) p.resolve(ids.has(p.row.id));
    } catch (error) {
      this.logger.error({ err: error, events: batch.length }, "usage events could not be written");
      for (const p of batch) p.reject(error);
    } finally {
      this.flushing = false;
      // What arrived during this commit goes out now, together.
      if (this.pending.length) void this.flush();
    }
  }
}
