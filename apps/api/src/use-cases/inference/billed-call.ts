import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";

/** What an inference operation resolved before calling the model (resolve-callable-version.ts). */
export interface CallableVersion {
  principal: Principal;
  model: { id: string; slug: string };
  version: { id: string; sha256: string };
  subscription: { id: string };
}

/**
 * THE seam between inference and billing: every inference operation runs its model call
 * through here with the number of billed units (one per input). Metering, quotas and spend
 * caps (the billing issue) go here — reserve `units` before `run`, record one usage event
 * when it succeeds, release the reservation when it fails — and nowhere else.
 */
export async function billedCall<T>(
  _services: AppServices,
  _callable: CallableVersion,
  _units: number,
  run: () => Promise<T>,
): Promise<T> {
  return run();
}
