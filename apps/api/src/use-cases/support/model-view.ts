import type { Prisma } from "@modelmarket/db";
import { notFound, readMetrics } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { compareSemver } from "./semver";

/** What every catalog read loads with a model, so field resolvers never query again. */
export const MODEL_INCLUDE = {
  publisher: true,
  versions: { where: { status: "READY" }, orderBy: { id: "desc" } },
  plans: { where: { archivedAt: null }, orderBy: [{ monthlyFeeCents: "asc" }, { id: "asc" }] },
} satisfies Prisma.ModelInclude;

export type ModelRow = Prisma.ModelGetPayload<{ include: typeof MODEL_INCLUDE }>;

export type ModelView = ReturnType<typeof toModelView>;

/**
 * A model as the API shows it: versions newest first by semver, and `latestVersion` the
 * highest that is not yanked (what an unpinned call runs).
 */
export function toModelView(row: ModelRow) {
  const versions = row.versions
    .map((v) => {
      const metrics = readMetrics(v.metrics);
      return {
        ...v,
        sizeBytes: Number(v.sizeBytes),
        metrics,
        headlineMetric: metrics.find((m) => m.name === v.headlineMetric) ?? metrics[0] ?? null,
        deprecated: v.deprecatedAt !== null,
        yanked: v.yankedAt !== null,
      };
    })
    .sort((a, b) => compareSemver(b.version, a.version));
  return { ...row, card: toCard(row.card), versions, latestVersion: versions.find((v) => !v.yanked) ?? null };
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

/**
 * A model is visible to everyone when public and not unpublished, and to its publisher
 * always (drafts are private models: tried in the playground, then made public).
 */
export function visibleTo(tenantId: string | undefined): Prisma.ModelWhereInput {
  const listed: Prisma.ModelWhereInput = { visibility: "PUBLIC", unpublishedAt: null };
  return tenantId ? { OR: [listed, { publisherTenantId: tenantId }] } : listed;
}

/**
 * One model by slug, as the catalog shows it to the caller (cached). Another tenant's private
 * model is NOT_FOUND, exactly like a model that does not exist.
 */
export async function findVisibleModel(
  services: AppServices,
  caller: Principal | null,
  slug: string,
): Promise<ModelView> {
  const tenantId = caller?.tenantId;
  const model = await services.catalogCache.getOrLoad(`model:${tenantId ?? "-"}:${slug}`, async () => {
    const row = await services.db.model.findFirst({
      where: { AND: [{ slug: slug.trim().toLowerCase() }, visibleTo(tenantId)] },
      include: MODEL_INCLUDE,
    });
    return row ? toModelView(row) : null;
  });
  if (!model) throw notFound(`Model "${slug}"`);
  return model;
}
