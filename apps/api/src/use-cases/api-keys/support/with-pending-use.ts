import type { AppServices } from "../../../services";

/** Shows a use that the tracker has not written yet. */
export function withPendingUse<T extends { id: string; lastUsedAt: Date | null }>(services: AppServices, key: T): T {
  const pending = services.lastUsed.pendingFor(key.id);
  return pending && (!key.lastUsedAt || pending > key.lastUsedAt) ? { ...key, lastUsedAt: pending } : key;
}
