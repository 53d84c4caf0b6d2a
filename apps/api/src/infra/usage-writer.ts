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
 * per call. An idle writer commits at once (no added latency); while a commit is in flight
 * the next events gather and go out together when it returns. `maxDelayMs` > 0 also waits
 * that long for company before the first commit. `record` resolves once the row is committed — true when inserted, false when the
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

  /**
   * One INSERT … SELECT FROM unnest(arrays) for the whole batch: a single statement with a
   * fixed number of parameters, whatever the batch size. Duplicates (a retried request id or
   * idempotency key) are skipped, and only the inserted ids come back.
   */
  private async insert(rows: UsageEventRow[]): Promise<Set<string>> {
    const col = <T>(f: (r: UsageEventRow) => T) => rows.map(f);
    const inserted = await this.db.$queryRaw<{ id: string }[]>`
      INSERT INTO "UsageEvent" ("id", "requestId", "tenantId", "apiKeyId", "subscriptionId", "modelVersionId",
        "outcome", "units", "billedUnits", "amountMicros", "latencyMs", "idempotencyKey", "requestHash", "response",
        "createdAt")
      SELECT id, "requestId", "tenantId", "apiKeyId", "subscriptionId", "modelVersionId", outcome::"UsageOutcome",
        units, "billedUnits", "amountMicros", "latencyMs", "idempotencyKey", "requestHash", response::jsonb, "createdAt"
      FROM unnest(
        ${col((r) => r.id)}::text[], ${col((r) => r.requestId)}::text[], ${col((r) => r.tenantId)}::text[],
        ${col((r) => r.apiKeyId)}::text[], ${col((r) => r.subscriptionId)}::text[],
        ${col((r) => r.modelVersionId)}::text[], ${col((r) => r.outcome)}::text[], ${col((r) => r.units)}::int[],
        ${col((r) => r.billedUnits)}::int[], ${col((r) => r.amountMicros.toString())}::bigint[],
        ${col((r) => r.latencyMs)}::int[], ${col((r) => r.idempotencyKey)}::text[], ${col((r) => r.requestHash)}::text[],
        ${col((r) => (r.response === null || r.response === undefined ? null : JSON.stringify(r.response)))}::text[],
        ${col((r) => r.createdAt.toISOString())}::timestamptz[]
      ) AS t(id, "requestId", "tenantId", "apiKeyId", "subscriptionId", "modelVersionId", outcome, units,
             "billedUnits", "amountMicros", "latencyMs", "idempotencyKey", "requestHash", response, "createdAt")
      ON CONFLICT DO NOTHING
      RETURNING id`;
    return new Set(inserted.map((r) => r.id));
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
      const ids = await this.insert(batch.map((p) => p.row));
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
