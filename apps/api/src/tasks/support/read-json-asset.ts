import fs from "node:fs/promises";
import type { z } from "zod";
import type { AppServices } from "../../services";
import { labelsFromHfConfig, parsePreprocessing } from "./preprocessing";

async function cachedAsset<T>(
  services: AppServices,
  assets: unknown,
  role: string,
  kind: string,
  parse: (text: string) => T,
): Promise<T> {
  const entry = (assets as Record<string, { sha256: string }> | null)?.[role];
  if (!entry) throw new Error(`model version has no "${role}" asset`);
  const key = `${kind}:${entry.sha256}`;
  const hit = services.taskAssets.parsed.get(key);
  if (hit) return hit.value as T;
  const value = parse(await fs.readFile(services.artifacts.pathOf(entry.sha256), "utf8"));
  services.taskAssets.parsed.set(key, { value });
  return value;
}

/** A version's JSON-array asset (labels, id maps) by role, parsed once per process. */
export function readListAsset(services: AppServices, assets: unknown, role: string): Promise<unknown[]> {
  return cachedAsset(services, assets, role, "list", (text) => JSON.parse(text) as unknown[]);
}

/** A version's asset as text (a vocabulary), read once per process. */
export function readTextAsset(services: AppServices, assets: unknown, role: string): Promise<string> {
  return cachedAsset(services, assets, role, "text", (text) => text);
}

/**
 * The version's `preprocessing` declaration with defaults applied (checked at publish time,
 * so a failure here is a bug, not bad input); the defaults when it has none.
 */
export async function readPreprocessing<T extends z.ZodType>(
  services: AppServices,
  assets: unknown,
  schema: T,
): Promise<Readonly<z.infer<T>>> {
  const has = Boolean((assets as Record<string, unknown> | null)?.preprocessing);
  // Parsed once per asset and schema (an asset's bytes never change), not on every call.
  const key = `${services.taskAssets.schemaId(schema)}:${has ? (assets as Record<string, { sha256: string }>).preprocessing?.sha256 : "none"}`;
  const hit = services.taskAssets.preprocessing.get(key);
  if (hit) return hit.value as z.infer<T>;
  const declared = has
    ? await cachedAsset(services, assets, "preprocessing", "json", (text) => JSON.parse(text) as unknown)
    : {};
  const result = parsePreprocessing(schema, declared);
  if (!result.ok) throw new Error(`stored preprocessing no longer parses: ${result.why}`);
  services.taskAssets.preprocessing.set(key, { value: result.value });
  return result.value;
}

/** A version's labels: its `labels` asset, or the `id2label` of a Hugging Face `config` asset. */
export async function readLabels(services: AppServices, assets: unknown): Promise<string[]> {
  const roles = assets as Record<string, unknown> | null;
  if (!roles?.labels && roles?.config) {
    const config = await cachedAsset(services, assets, "config", "json", (text) => JSON.parse(text) as unknown);
    const labels = labelsFromHfConfig(config);
    if (labels) return labels;
  }
  return (await readListAsset(services, assets, "labels")).map(String);
}
