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
  return { ...row, card: toCard(row.card), versions, latestVersion: versions[0] ?? null };
}

const CARD_FIELDS = ["intendedUse", "limitations", "license", "source"] as const;

/** The stored card (JSON) as the API shows it: the four known fields, strings or null. */
function toCard(card: Prisma.JsonValue): Record<(typeof CARD_FIELDS)[number], string | null> | null {
  if (!card || typeof card !== "object" || Array.isArray(card)) return null;
  const fields = card as Record<string, unknown>;
  const view = Object.fromEntries(
    CARD_FIELDS.map((f) => [f, typeof fields[f] === "string" && fields[f] ? (fields[f] as string) : null]),
  ) as Record<(typeof CARD_FIELDS)[number], string | null>;
  return Object.values(view).some((v) => v !== null) ? view : null;
}

/** A model is visible to everyone when public, and to its publisher always. */
export function visibleTo(tenantId: string | undefined): Prisma.ModelWhereInput {
  return tenantId ? { OR: [{ visibility: "PUBLIC" }, { publisherTenantId: tenantId }] } : { visibility: "PUBLIC" };
}
