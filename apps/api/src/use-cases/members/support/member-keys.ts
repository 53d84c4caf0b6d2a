import type { AppServices } from "../../../services";

/**
 * Drops the cached entries of these keys on every API instance (cache bus), so a role change or a
 * removal applies to the member's keys from the next request, here and elsewhere.
 */
export async function invalidateKeys(services: AppServices, secretHashes: string[]): Promise<void> {
  await Promise.all(secretHashes.map((secretHash) => services.cacheBus.publish({ kind: "api-key", secretHash })));
}
