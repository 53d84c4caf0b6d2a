import crypto from "node:crypto";
import { isUniqueViolation } from "@modelmarket/db";
import { badInput, newId } from "@modelmarket/domain";
import { assertStrongPassword, hashPassword } from "../../auth/password";
import { issueSessionToken } from "../../auth/session-token";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import type { SessionResult } from "./sign-in";
import { slugify } from "./support/slugify";

export interface SignUpCommand {
  email: string;
  password: string;
  tenantName: string;
  clientIp: string;
}

const RESERVED_SLUGS = new Set(["modelmarket", "admin", "api", "www", "support", "root"]);

/** Creates a tenant and its owner, and signs the owner in. */
export async function signUp(services: AppServices, cmd: SignUpCommand): Promise<SessionResult> {
  await services.authRateLimits.beforeSignUp(cmd.clientIp);
  const email = cmd.email.trim().toLowerCase();
  const tenantName = cmd.tenantName.trim();
  assertStrongPassword(cmd.password, [email, email.split("@")[0] ?? "", tenantName]);
  const baseSlug = slugify(tenantName);
  if (baseSlug.length < 2) throw badInput("Tenant name needs at least two letters or digits.", "tenantName");

  const passwordHash = await hashPassword(cmd.password);
  const existing = await services.db.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) throw badInput("An account with this email already exists; sign in instead.", "email");

  const slug = await freeSlug(services, baseSlug);
  try {
    const { user, tenant } = await services.db.$transaction(async (tx) => {
      const tenant = await tx.tenant.create({ data: { id: newId("tenant"), slug, name: tenantName } });
      const user = await tx.user.create({
        data: { id: newId("user"), tenantId: tenant.id, email, passwordHash, role: "OWNER" },
      });
      await audit(tx, { tenantId: tenant.id, userId: user.id }, "tenant.created", { type: "tenant", id: tenant.id });
      return { user, tenant };
    });
    const token = await issueSessionToken(
      { userId: user.id, tenantId: tenant.id },
      services.env.sessionSecret,
      services.env.SESSION_TTL_SECONDS,
    );
    return { token, user: { ...user, tenant } };
  } catch (error) {
    // Two sign-ups racing for the same email or slug: the database decides.
    if (isUniqueViolation(error))
      throw badInput("An account with this email already exists; sign in instead.", "email");
    throw error;
  }
}

async function freeSlug(services: AppServices, base: string): Promise<string> {
  const taken = async (slug: string) =>
    RESERVED_SLUGS.has(slug) || (await services.db.tenant.count({ where: { slug } })) > 0;
  if (!(await taken(base))) return base;
  for (let i = 0; i < 5; i++) {
    const candidate = `${base.slice(0, 33)}-${crypto.randomBytes(3).toString("hex")}`;
    if (!(await taken(candidate))) return candidate;
  }
  throw badInput("Could not find a free tenant slug; choose another tenant name.", "tenantName");
}
