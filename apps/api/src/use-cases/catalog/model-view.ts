import type { Prisma } from "@modelmarket/db";

/** What every catalog read loads with a model, so field resolvers never query again. */
export const MODEL_INCLUDE = {
  publisher: true,
  versions: { where: { status: "READY" }, orderBy: { id: "desc" } },
  plans: { where: { archivedAt: null }, orderBy: [{ monthlyFeeCents: "asc" }, { id: "asc" }] },
} satisfies Prisma.ModelInclude;

export type ModelRow = Prisma.ModelGetPayload<{ include: typeof MODEL_INCLUDE }>;

export type ModelView = ReturnType<typeof toModelView>;

export function toModelView(row: ModelRow) {
  const versions = row.versions.map((v) => ({ ...v, sizeBytes: Number(v.sizeBytes) }));
  return { ...row, versions, latestVersion: versions[0] ?? null };
}

/** A model is visible to everyone when public, and to its publisher always. */
export function visibleTo(tenantId: string | undefined): Prisma.ModelWhereInput {
  return tenantId ? { OR: [{ visibility: "PUBLIC" }, { publisherTenantId: tenantId }] } : { visibility: "PUBLIC" };
}
