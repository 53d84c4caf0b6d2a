import { forbidden } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { removeMembership } from "./support/remove-membership";

/** A signed-in member leaves the active organisation; the keys they created there are revoked. */
export function leaveOrganisation(services: AppServices, principal: Principal) {
  if (principal.kind !== "user") throw forbidden("Only a signed-in person can leave an organisation.");
  return removeMembership(services, principal, principal.userId, null);
}
