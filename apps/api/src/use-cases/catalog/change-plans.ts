import { badInput, newId, notFound, type PlanTerms } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { MODEL_INCLUDE, type ModelView, toModelView } from "../support/model-view";
import { findOwnModel } from "./support/find-own-model";
import { lockModel } from "./support/lock-model";
import { assertPlanPricing } from "./support/plan-pricing";

const MAX_LIVE_PLANS = 10;

/** Adds a plan to a model the caller publishes (names unique among its live plans). */
export async function addPlan(
  services: AppServices,
  principal: Principal,
  slug: string,
  plan: PlanTerms,
): Promise<ModelView> {
  const model = await findOwnModel(services, principal, slug);
  assertPlanPricing(model.task, [plan], () => "plan");
  if (model.plans.length >= MAX_LIVE_PLANS) throw badInput(`A model has at most ${MAX_LIVE_PLANS} plans.`, "plan");
  const name = plan.name.trim();
  const taken = await services.db.plan.findFirst({ where: { modelId: model.id, name } });
  if (taken)
    throw badInput(`The model already has a plan named "${name}" (plans are never renamed or reused).`, "plan.name");
  const row = await services.db.$transaction(async (tx) => {
    const created = await tx.plan.create({
      data: { ...plan, name, id: newId("plan"), modelId: model.id, currency: plan.currency.toLowerCase() },
    });
    await audit(tx, principal, "plan.added", { type: "plan", id: created.id }, { model: model.slug, name });
    return tx.model.findUniqueOrThrow({ where: { id: model.id }, include: MODEL_INCLUDE });
  });
  await services.cacheBus.publish({ kind: "catalog" });
  return toModelView(row);
}

/**
 * Retires a plan: new subscribers cannot pick it, existing ones keep it on the same terms
 * (a plan's price never changes under a subscriber: to change prices, add a plan and retire
 * the old one). The last live plan cannot be retired.
 */
export async function retirePlan(
  services: AppServices,
  principal: Principal,
  slug: string,
  planId: string,
): Promise<ModelView> {
  const model = await findOwnModel(services, principal, slug);
  const plan = model.plans.find((p) => p.id === planId);
  if (!plan) throw notFound(`Plan "${planId}" of model "${model.slug}"`);
  const lastPlan = () => badInput("A model needs at least one plan: add another before retiring this one.", "planId");
  if (model.plans.length === 1) throw lastPlan();
  const row = await services.db.$transaction(async (tx) => {
    // Two retirements at once must not both see "another plan is left": the model's row
    // lock orders them, and the count is made again under it.
    await lockModel(tx, model.id);
    const left = await tx.plan.count({ where: { modelId: model.id, archivedAt: null, id: { not: plan.id } } });
    if (left === 0) throw lastPlan();
    await tx.plan.update({ where: { id: plan.id }, data: { archivedAt: new Date() } });
    await audit(tx, principal, "plan.retired", { type: "plan", id: plan.id }, { model: model.slug, name: plan.name });
    return tx.model.findUniqueOrThrow({ where: { id: model.id }, include: MODEL_INCLUDE });
  });
  await services.cacheBus.publish({ kind: "catalog" });
  return toModelView(row);
}
