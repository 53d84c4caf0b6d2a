import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { removeMembership } from "./support/remove-membership";

/** An owner or admin removes a member (see removeMembership for what happens to their keys). */
export function removeMember(
  services: AppServices,
  principal: Principal,
  userId: string,
  reassignKeysTo?: string | null,
) {
  return removeMembership(services, principal, userId, reassignKeysTo ?? null);
}
