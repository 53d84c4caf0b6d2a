import { isUniqueViolation, type ModelTask, type Prisma, type Visibility } from "@modelmarket/db";
import {
  badInput,
  type EvaluationMetric,
  type EvaluationMetricInput,
  newId,
  type PlanTerms,
} from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { slugify } from "../accounts/support/slugify";
import { audit } from "../support/audit";
import { MODEL_INCLUDE, type ModelView, toModelView } from "../support/model-view";
import { assertCardRules } from "./support/card-rules";
import { checkExamples } from "./support/check-examples";
import { prepareNewVersion } from "./support/new-version";
import { assertPlanPricing } from "./support/plan-pricing";

export interface PublishModelCommand {
  name: string;
  description: string;
  task: ModelTask;
  visibility: Visibility;
  tags: string[];
  artifactId: string;
  version: string;
  assets?: unknown;
  card?: {
    intendedUse?: string | null;
    limitations?: string | null;
    license?: string | null;
    source?: string | null;
  } | null;
  /**
   * Measured quality. Not part of the public input: only code that measured it itself (the
   * model zoo, the platform's evaluator) may set it, so a publisher cannot claim numbers.
   */
  evaluation?: Record<string, number>;
  /** Quality figures (docs/publishing.md), and the one catalog cards show. */
  metrics?: EvaluationMetricInput[] | null;
  headlineMetric?: string | null;
  /** PLATFORM only from the seed of the shipped models, which measured their figures itself. */
  metricsSource?: EvaluationMetric["source"];
  plans: PlanTerms[];
  /** What changed (release notes of the version). */
  notes?: string | null;
  /** Publisher examples, run through the serving path before the version is accepted. */
  examples?: unknown;
}

const MAX_TAGS = 20;

/**
 * Publishes a model of the caller's tenant: the model, its first version (from an
 * uploaded ONNX artifact of the same tenant) and its plans, in one transaction.
 */
export async function publishModel(
  services: AppServices,
  caller: Principal | null,
  cmd: PublishModelCommand,
): Promise<ModelView> {
  const principal = requirePrincipal(caller);
  const name = cmd.name.trim();
  const modelName = slugify(name, 64);
  if (modelName.length < 2) throw badInput("Model name needs at least two letters or digits.", "name");
  const tags = normaliseTags(cmd.tags);
  assertPlans(cmd.plans);
  assertPlanPricing(cmd.task, cmd.plans, (i) => `plans.${i}`);
  assertCardRules(cmd.task, cmd.card);

  const tenant = await services.db.tenant.findUniqueOrThrow({ where: { id: principal.tenantId } });
  const version = await prepareNewVersion(services, principal.tenantId, cmd.task, {
    version: cmd.version,
    artifactId: cmd.artifactId,
    assets: cmd.assets,
    notes: cmd.notes,
    examples: cmd.examples,
    evaluation: cmd.evaluation,
    metrics: cmd.metrics,
    headlineMetric: cmd.headlineMetric,
    metricsSource: cmd.metricsSource,
  });
  await checkExamples(services, principal, cmd.task, version);
  const slug = `${tenant.slug}/${modelName}`;

  try {
    const row = await services.db.$transaction(async (tx) => {
      const model = await tx.model.create({
        data: {
          id: newId("model"),
          publisherTenantId: tenant.id,
          slug,
          name,
          description: cmd.description.trim(),
          task: cmd.task,
          visibility: cmd.visibility,
          tags,
          // A plain object (the GraphQL input is a class instance); absent fields stay absent.
          card: cmd.card ? (JSON.parse(JSON.stringify(cmd.card)) as Prisma.InputJsonValue) : undefined,
          versions: { create: version },
          plans: {
            create: cmd.plans.map((p) => ({ id: newId("plan"), ...p, currency: p.currency.toLowerCase() })),
          },
        },
        include: MODEL_INCLUDE,
      });
      await audit(tx, principal, "model.published", { type: "model", id: model.id }, { slug, version: cmd.version });
      return model;
    });
    await services.cacheBus.publish({ kind: "catalog" });
    return toModelView(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw badInput(`You already publish a model named "${slug}".`, "name");
    throw error;
  }
}

export function normaliseTags(tags: string[]): string[] {
  const clean = [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
  if (clean.length > MAX_TAGS) throw badInput(`At most ${MAX_TAGS} tags.`, "tags");
  const bad = clean.find((t) => t.length > 32 || !/^[a-z0-9][a-z0-9+.#-]*$/.test(t));
  if (bad) throw badInput(`Tag "${bad}" must be up to 32 letters, digits or - + . #.`, "tags");
  return clean;
}

export function assertPlans(plans: PlanTerms[]): void {
  const names = new Set(plans.map((p) => p.name.trim().toLowerCase()));
  if (names.size !== plans.length) throw badInput("Plan names must be unique within a model.", "plans");
}
