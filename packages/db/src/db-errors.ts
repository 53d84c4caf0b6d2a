/**
 * Unique-violation detection that works for both adapters: adapter-pg raises Prisma's
 * P2002, PGlite surfaces the raw Postgres SQLSTATE 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  return hasCode(error, "P2002", "23505");
}

export function isForeignKeyViolation(error: unknown): boolean {
  return hasCode(error, "P2003", "23503");
}

function hasCode(error: unknown, prismaCode: string, sqlState: string): boolean {
  if (!error || typeof error !== "object") return false;
  const e = error as { code?: unknown; meta?: Record<string, unknown>; cause?: unknown; message?: unknown };
  if (e.code === prismaCode || e.code === sqlState) return true;
  const adapterError = e.meta?.driverAdapterError as { cause?: { originalCode?: string; code?: string } } | undefined;
  const cause = adapterError?.cause;
  if (cause && (cause.originalCode === sqlState || cause.code === sqlState)) return true;
  if (typeof e.message === "string" && e.message.includes(`SQLSTATE ${sqlState}`)) return true;
  return e.cause !== undefined && e.cause !== error ? hasCode(e.cause, prismaCode, sqlState) : false;
}
