import type { Tenant } from "@modelmarket/db";
import type { MemberRole } from "@modelmarket/domain";
import { issueSessionToken } from "../../../auth/session-token";
import type { AppServices } from "../../../services";

/** The person as the API shows them: their account and their place in the active organisation. */
export interface SessionUser {
  id: string;
  email: string;
  tenant: Tenant;
  role: MemberRole;
}

export interface SessionResult {
  token: string;
  user: SessionUser;
}

/** A session token for `user` acting in `tenant` (where they hold `role`). */
export async function openSession(
  services: AppServices,
  user: { id: string; email: string },
  membership: { tenant: Tenant; role: MemberRole },
): Promise<SessionResult> {
  const token = await issueSessionToken(
    { userId: user.id, tenantId: membership.tenant.id },
    services.env.sessionSecret,
    services.env.SESSION_TTL_SECONDS,
  );
  return { token, user: { id: user.id, email: user.email, tenant: membership.tenant, role: membership.role } };
}
