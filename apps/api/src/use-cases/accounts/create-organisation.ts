import { forbidden } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { createOrganisation as create, freeSlugFor } from "./support/new-organisation";
import { openSession, type SessionResult } from "./support/session";

const MAX_OWNED_ORGANISATIONS = 20;

/** A signed-in person creates another organisation, becomes its OWNER and switches to it. */
export async function createOrganisation(
  services: AppServices,
  principal: Principal,
  name: string,
): Promise<SessionResult> {
  if (principal.kind !== "user") throw forbidden("Only a signed-in person can create an organisation.");
  const owned = await services.db.membership.count({ where: { userId: principal.userId, role: "OWNER" } });
  if (owned >= MAX_OWNED_ORGANISATIONS) {
    throw forbidden(`A person may own at most ${MAX_OWNED_ORGANISATIONS} organisations.`);
  }
  const org = await freeSlugFor(services.db, name);
  const user = await services.db.user.findUniqueOrThrow({ where: { id: principal.userId } });
  const tenant = await services.db.$transaction((tx) => create(tx, user.id, org));
  return openSession(services, user, { tenant, role: "OWNER" });
}
