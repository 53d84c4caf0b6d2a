import type { PrismaClient } from "@modelmarket/db";
import { GroupCommit } from "./group-commit";
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
  /** Token calls: prompt tokens (null for calls metered per input). */
  inputUnits: number | null;
  /** Token calls: of billedUnits, the generated ones. */
  billedOutputUnits: number;
  amountMicros: bigint;
  latencyMs: number;
  idempotencyKey: string | null;
  requestHash: string | null;
  response: unknown;
  createdAt: Date;
}

/**
 * Group commit for usage events (GroupCommit): calls that finish together share one multi-row
 * INSERT. `record` resolves once the row is committed — true when inserted, false when the
 * database already held an event for the same request id or idempotency key (a retry), which
 * the unique constraints guarantee is never counted twice.
 */
export class UsageWriter {
  private readonly commits: GroupCommit<UsageEventRow, boolean>;

  constructor(
    private readonly db: PrismaClient,
    logger: Logger,
    options: { maxDelayMs: number; maxBatch: number },
  ) {
    this.commits = new GroupCommit(
      async (rows) => {
        const inserted = await this.insert(rows);
        return rows.map((r) => inserted.has(r.id));
      },
      {
        ...options,
        onError: (error, events) => logger.error({ err: error, events }, "usage events could not be written"),
      },
    );
  }

  record(row: UsageEventRow): Promise<boolean> {
    return this.commits.submit(row);
  }

  /** Waits until everything recorded so far is committed (shutdown, tests). */
  drain(): Promise<void> {
    return this.commits.drain();
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
        "outcome", "units", "billedUnits", "inputUnits", "billedOutputUnits", "amountMicros", "latencyMs",
        "idempotencyKey", "requestHash", "response", "createdAt")
      SELECT id, "requestId", "tenantId", "apiKeyId", "subscriptionId", "modelVersionId", outcome::"UsageOutcome",
        units, "billedUnits", "inputUnits", "billedOutputUnits", "amountMicros", "latencyMs", "idempotencyKey",
        "requestHash", response::jsonb, "createdAt"
      FROM unnest(
        ${col((r) => r.id)}::text[], ${col((r) => r.requestId)}::text[], ${col((r) => r.tenantId)}::text[],
        ${col((r) => r.apiKeyId)}::text[], ${col((r) => r.subscriptionId)}::text[],
        ${col((r) => r.modelVersionId)}::text[], ${col((r) => r.outcome)}::text[], ${col((r) => r.units)}::int[],
        ${col((r) => r.billedUnits)}::int[], ${col((r) => r.inputUnits)}::int[],
        ${col((r) => r.billedOutputUnits)}::int[], ${col((r) => r.amountMicros.toString())}::bigint[],
        ${col((r) => r.latencyMs)}::int[], ${col((r) => r.idempotencyKey)}::text[], ${col((r) => r.requestHash)}::text[],
        ${col((r) => (r.response === null || r.response === undefined ? null : JSON.stringify(r.response)))}::text[],
        ${col((r) => r.createdAt.toISOString())}::timestamptz[]
      ) AS t(id, "requestId", "tenantId", "apiKeyId", "subscriptionId", "modelVersionId", outcome, units,
             "billedUnits", "inputUnits", "billedOutputUnits", "amountMicros", "latencyMs", "idempotencyKey", "requestHash", response, "createdAt")
      ON CONFLICT DO NOTHING
      RETURNING id`;
    return new Set(inserted.map((r) => r.id));
  }
}
