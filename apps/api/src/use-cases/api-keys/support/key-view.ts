import type { AppServices } from "../../../services";

/** What every key read loads with the key: its creator's address (shown as `createdByEmail`). */
export const KEY_INCLUDE = { createdBy: { select: { email: true } } } as const;

/**
 * A key as the API shows it: who created it, and a use that the tracker has not written yet.
 */
export function keyView<T extends { id: string; lastUsedAt: Date | null; createdBy: { email: string } | null }>(
  services: AppServices,
  key: T,
): T & { createdByEmail: string | null } {
  const pending = services.lastUsed.pendingFor(key.id);
  const lastUsedAt = pending && (!key.lastUsedAt || pending > key.lastUsedAt) ? pending : key.lastUsedAt;
  return { ...key, lastUsedAt, createdByEmail: key.createdBy?.email ?? null };
}
