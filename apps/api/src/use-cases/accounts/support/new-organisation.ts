import crypto from "node:crypto";
import type { Prisma, PrismaClient } from "@modelmarket/db";
import { badInput, newId } from "@modelmarket/domain";
import { audit } from "../../support/audit";
import { slugify } from "./slugify";

const RESERVED_SLUGS = new Set(["modelmarket", "admin", "api", "www", "support", "root"]);

/** Checks an organisation name and finds it a free slug (before the transaction that uses it). */
export async function freeSlugFor(db: PrismaClient, name: string): Promise<{ name: string; slug: string }> {
  const trimmed = name.trim();
  if (trimmed.length > 80) throw badInput("Organisation name must be at most 80 characters.", "tenantName");
  const base = slugify(trimmed);
  if (base.length < 2) throw badInput("Tenant name needs at least two letters or digits.", "tenantName");
  const taken = async (slug: string) => RESERVED_SLUGS.has(slug) || (await db.tenant.count({ where: { slug } })) > 0;
  if (!(await taken(base))) return { name: trimmed, slug: base };
  for (let i = 0; i < 5; i++) {
    const candidate = `${base.slice(0, 33)}-${crypto.randomBytes(3).toString("hex")}`;
    if (!(await taken(candidate))) return { name: trimmed, slug: candidate };
  }
  throw badInput("Could not find a free tenant slug; choose another tenant name.", "tenantName");
}

/** Creates an organisation with `userId` as its first OWNER (inside the caller's transaction). */
export async function createOrganisation(
  tx: Prisma.TransactionClient,
  userId: string,
  org: { name: string; slug: string },
) {
  const tenant = await tx.tenant.create({ data: { id: newId("tenant"), slug: org.slug, name: org.name } });
  await tx.membership.create({ data: { id: newId("membership"), tenantId: tenant.id, userId, role: "OWNER" } });
  await audit(tx, { tenantId: tenant.id, userId }, "tenant.created", { type: "tenant", id: tenant.id });
  return tenant;
}
