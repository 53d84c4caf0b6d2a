/**
 * Drops one warning of node-postgres ≥ 8.19 and lets every other warning through unchanged.
 *
 * Prisma 6.19's `@prisma/adapter-pg` sends a transaction's statements to its connection without
 * waiting for each other (`PgTransaction.performIO`), and pg warns "Calling client.query() when
 * the client is already executing a query is deprecated" the first time it sees that
 * (node-postgres#3612). pg 8 queues such statements on the connection in order, which is what
 * the adapter relies on, so the warning says nothing an operator can act on: without this it
 * printed at every start of the product. pg 9 removes the queue; the pins in
 * packages/db/package.json keep pg on 8 until the adapter stops relying on it.
 */
export const QUEUED_QUERY_WARNING = "Calling client.query() when the client is already executing a query";

let installed = false;

/** Installs the filter once per process (createDatabase calls it). */
export function silenceQueuedQueryWarning(): void {
  if (installed) return;
  installed = true;
  const emitWarning = process.emitWarning;
  process.emitWarning = function filteredEmitWarning(this: NodeJS.Process, warning: string | Error, ...rest: never[]) {
    const message = typeof warning === "string" ? warning : warning?.message;
    if (typeof message === "string" && message.startsWith(QUEUED_QUERY_WARNING)) return;
    return Reflect.apply(emitWarning, this, [warning, ...rest]);
  } as typeof process.emitWarning;
}
