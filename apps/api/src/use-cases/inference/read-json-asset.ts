import fs from "node:fs/promises";
import { LRUCache } from "lru-cache";
import type { AppServices } from "../../services";

// Assets are content-addressed and immutable, so a parsed copy never goes stale.
const parsed = new LRUCache<string, unknown[]>({ max: 256 });

/** A version's JSON-array asset (labels, id maps) by role, parsed once per process. */
export async function readListAsset(services: AppServices, assets: unknown, role: string): Promise<unknown[]> {
  const entry = (assets as Record<string, { sha256: string }> | null)?.[role];
  if (!entry) throw new Error(`model version has no "${role}" asset`);
  let list = parsed.get(entry.sha256);
  if (!list) {
    list = JSON.parse(await fs.readFile(services.artifacts.pathOf(entry.sha256), "utf8")) as unknown[];
    parsed.set(entry.sha256, list);
  }
  return list;
}
