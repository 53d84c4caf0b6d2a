import type { ModelTask } from "@modelmarket/db";
import { badInput, forbidden, notFound } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import { requireScope } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { findModel } from "../catalog/find-model";

/**
 * What every inference operation checks first: the key may call models, the model exists
 * for the caller and has the operation's task, the version exists, and the caller's tenant
 * holds an active subscription to the model.
 */
export async function resolveCallableVersion(
  services: AppServices,
  caller: Principal | null,
  slug: string,
  task: ModelTask,
  operation: string,
  version?: string | null,
) {
  const principal = requireScope(caller, "inference");
  const model = await findModel(services, principal, slug);
  if (model.task !== task) {
    throw badInput(`${operation} needs a ${task} model; "${model.slug}" is ${model.task}.`, "model");
  }
  const chosen = version ? model.versions.find((v) => v.version === version) : model.latestVersion;
  if (!chosen) throw notFound(`Version "${version}" of model "${model.slug}"`);
  const subscription = await services.db.subscription.findFirst({
    where: { tenantId: principal.tenantId, modelId: model.id, status: { in: ["ACTIVE", "PAST_DUE"] } },
    include: { plan: { select: { monthlyFeeCents: true, rateLimitPerMinute: true } } },
  });
  if (subscription?.status === "PAST_DUE") {
    throw forbidden(
      `The subscription to "${model.slug}" is past due: its last invoice was not paid. Update the payment method to call it again.`,
    );
  }
  if (!subscription) {
    throw forbidden(`No active subscription to "${model.slug}": subscribe to one of its plans first.`);
  }
  // Paying subscribers get twice a free caller's share of the tier under contention.
  const weight = subscription.plan.monthlyFeeCents > 0 ? 2 : 1;
  return { principal, model, version: chosen, subscription, weight };
}
