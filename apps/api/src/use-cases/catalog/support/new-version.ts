import type { ModelTask, Prisma } from "@modelmarket/db";
import {
  badInput,
  checkMetrics,
  type EvaluationMetric,
  type EvaluationMetricInput,
  newId,
  notFound,
} from "@modelmarket/domain";
import type { OnnxInspection } from "@modelmarket/onnx";
import type { AppServices } from "../../../services";
import { assertFitsTask } from "../../../tasks/registry";
import { isSemver } from "../../support/semver";

const MAX_ASSETS = 10;

export interface NewVersionInput {
  version: string;
  artifactId: string;
  assets?: unknown;
  notes?: string | null;
  examples?: unknown;
  /** Only code that measured it itself (the model zoo) may set it. */
  evaluation?: Record<string, number>;
  /** Quality figures with dataset and unit; declared by the publisher unless metricsSource says otherwise. */
  metrics?: EvaluationMetricInput[] | null;
  headlineMetric?: string | null;
  /** PLATFORM only from code that measured the figures itself (the shipped models' seed). */
  metricsSource?: EvaluationMetric["source"];
}

/**
 * What publishModel and publishVersion share: a semver version, an uploaded ONNX artifact of
 * the tenant, its assets resolved, and the whole checked against the task's convention.
 * Returns the row to create (without the model id).
 */
export async function prepareNewVersion(
  services: AppServices,
  tenantId: string,
  task: ModelTask,
  input: NewVersionInput,
) {
  if (!isSemver(input.version)) {
    throw badInput(`Version "${input.version}" must be a semantic version such as 1.0.0 or 1.1.0-rc.1.`, "version");
  }
  const artifact = await services.db.artifact.findFirst({ where: { id: input.artifactId, tenantId } });
  if (!artifact) throw notFound(`Artifact "${input.artifactId}"`);
  if (artifact.kind !== "MODEL" || !artifact.inspection) {
    throw badInput("This artifact was uploaded as an asset; upload the model with ?kind=model.", "artifactId");
  }
  const assets = await resolveAssets(services, tenantId, input.assets);
  await assertFitsTask(
    task,
    artifact.inspection as unknown as OnnxInspection,
    assets ?? {},
    (sha) => services.artifacts.pathOf(sha),
    artifact.sha256,
  );
  const quality = checkMetrics(input.metrics ?? [], input.headlineMetric, input.metricsSource ?? "PUBLISHER");
  const notes = input.notes?.trim() || null;
  if (notes && notes.length > 5000) throw badInput("Version notes are limited to 5000 characters.", "notes");
  return {
    id: newId("modelVersion"),
    version: input.version,
    artifactId: artifact.id,
    sha256: artifact.sha256,
    sizeBytes: artifact.sizeBytes,
    signature: artifact.inspection as Prisma.InputJsonValue,
    assets: assets ?? undefined,
    evaluation: input.evaluation,
    metrics: quality.metrics.length ? (quality.metrics as unknown as Prisma.InputJsonValue) : undefined,
    headlineMetric: quality.headline,
    notes,
    examples:
      input.examples == null ? undefined : (JSON.parse(JSON.stringify(input.examples)) as Prisma.InputJsonValue),
    status: "READY" as const,
  };
}

/** `assets` is `{ role: artifactId }`; every id must be an artifact of the caller's tenant. */
async function resolveAssets(
  services: AppServices,
  tenantId: string,
  assets: unknown,
): Promise<Record<string, { artifactId: string; sha256: string }> | null> {
  if (assets == null) return null;
  if (typeof assets !== "object" || Array.isArray(assets)) {
    throw badInput('`assets` must be an object of role → artifact id, e.g. {"labels": "art_…"}.', "assets");
  }
  const entries = Object.entries(assets as Record<string, unknown>);
  if (entries.length > MAX_ASSETS) throw badInput(`At most ${MAX_ASSETS} assets.`, "assets");
  const resolved: Record<string, { artifactId: string; sha256: string }> = {};
  for (const [role, id] of entries) {
    if (!/^[a-z][a-z0-9_]{0,31}$/.test(role)) throw badInput(`Asset role "${role}" must be snake_case.`, "assets");
    if (typeof id !== "string") throw badInput(`Asset "${role}" must be an artifact id string.`, "assets");
    const artifact = await services.db.artifact.findFirst({ where: { id, tenantId } });
    if (!artifact) throw notFound(`Artifact "${id}" (asset "${role}")`);
    resolved[role] = { artifactId: artifact.id, sha256: artifact.sha256 };
  }
  return resolved;
}
