import type { ModelTask, Prisma } from "@modelmarket/db";
import { badInput } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { MODEL_INCLUDE, type ModelView, toModelView, visibleTo } from "../support/model-view";

export const MAX_PAGE_SIZE = 100;
const MAX_QUERY_LENGTH = 200;
const MAX_TERMS = 8;

export interface SearchModelsQuery {
  query?: string | null;
  task?: ModelTask | null;
  first?: number | null;
  after?: string | null;
}

export interface ModelPage {
  models: ModelView[];
  hasNextPage: boolean;
  totalCount: number;
}

/**
 * Catalog search: every word of `query` must appear in the name, slug, description or
 * tags (case-insensitive); newest first; cursor pagination on the time-ordered id.
 */
export async function searchModels(
  services: AppServices,
  caller: Principal | null,
  q: SearchModelsQuery,
): Promise<ModelPage> {
  const first = q.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`\`first\` must be between 1 and ${MAX_PAGE_SIZE}.`, "first");
  }
  const text = (q.query ?? "").trim();
  if (text.length > MAX_QUERY_LENGTH)
    throw badInput(`\`query\` is limited to ${MAX_QUERY_LENGTH} characters.`, "query");
  const terms = [...new Set(text.toLowerCase().split(/\s+/).filter(Boolean))].slice(0, MAX_TERMS);
  // Prisma's `contains` is a LIKE: the caller's % and _ are letters, not wildcards.
  const like = (term: string) => term.replace(/[\\%_]/g, (c) => `\\${c}`);
  const afterId = q.after ? decodeCursor(q.after) : null;
  const tenantId = caller?.tenantId;

  const where: Prisma.ModelWhereInput = {
    AND: [
      visibleTo(tenantId),
      ...(q.task ? [{ task: q.task }] : []),
      ...terms.map((term) => ({
        OR: [
          { name: { contains: like(term), mode: "insensitive" as const } },
          { slug: { contains: like(term) } },
          { description: { contains: like(term), mode: "insensitive" as const } },
          { tags: { has: term } },
        ],
      })),
    ],
  };
  const key = JSON.stringify(["search", tenantId ?? "-", terms, q.task ?? null, first, afterId]);
  return services.catalogCache.getOrLoad(key, async () => {
    const [rows, totalCount] = await Promise.all([
      services.db.model.findMany({
        where: afterId ? { AND: [where, { id: { lt: afterId } }] } : where,
        include: MODEL_INCLUDE,
        orderBy: { id: "desc" },
        take: first + 1,
      }),
      services.db.model.count({ where }),
    ]);
    return { models: rows.slice(0, first).map(toModelView), hasNextPage: rows.length > first, totalCount };
  });
}

export function encodeCursor(modelId: string): string {
  return Buffer.from(`model:${modelId}`).toString("base64url");
}

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  const match = /^model:(mdl_[0-9a-z]{26})$/.exec(decoded);
  if (!match?.[1]) throw badInput("`after` is not a cursor returned by this API.", "after");
  return match[1];
}
