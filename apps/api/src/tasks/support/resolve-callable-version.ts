import type { ModelTask } from "@modelmarket/db";
import { badInput, forbidden, notFound } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { LiveSubscription } from "../../infra/live-subscription-cache";
import { addNotice, addTiming, sinceRequestStart } from "../../infra/request-context";
import type { AppServices } from "../../services";
import { findVisibleModel, MODEL_INCLUDE, type ModelView, toModelView } from "../../use-cases/support/model-view";

/**
 * What every inference operation checks first (the `inference` scope was already checked by
 * the field's @Access): a caller, the model visible to it (or unpublished but still
 * subscribed) with the operation's task, the version callable (yanked refused, deprecated
 * noticed), and a live subscription that is not past due — or the caller publishes the model:
 * own use, `subscription` null. Returns the tier weight of the caller's plan.
 */
export async function resolveCallableVersion(
  services: AppServices,
  caller: Principal | null,
  slug: string,
  task: ModelTask,
  operation: string,
  version?: string | null,
) {
  const principal = requirePrincipal(caller);
  // Server-Timing: the request until its operation's resolver ran (HTTP, GraphQL, authentication).
  addTiming("graphql", sinceRequestStart());
  const model = await findCallableModel(services, principal, slug);
  if (model.task !== task) {
    throw badInput(`${operation} needs a ${task} model; "${model.slug}" is ${model.task}.`, "model");
  }
  const chosen = version ? model.versions.find((v) => v.version === version) : model.latestVersion;
  if (!chosen) throw notFound(`Version "${version}" of model "${model.slug}"`);
  const usable = () =>
    model.versions
      .filter((v) => !v.yanked && !v.deprecated)
      .map((v) => v.version)
      .slice(0, 3)
      .join(", ") || "none: the publisher has no other version";
  if (chosen.yanked) {
    throw badInput(
      `Version ${chosen.version} of "${model.slug}" was yanked${chosen.yankReason ? ` (${chosen.yankReason})` : ""}; ` +
        `call ${usable()} instead (or leave out \`version\` for the latest).`,
      "version",
    );
  }
  if (chosen.deprecated) {
    addNotice(
      `Version ${chosen.version} of "${model.slug}" is deprecated${chosen.deprecationNote ? ` (${chosen.deprecationNote})` : ""}; move to ${usable()}.`,
    );
  }
  const subscription = await services.liveSubscriptions.getOrLoad(
    principal.tenantId,
    model.id,
    () =>
      services.db.subscription.findFirst({
        where: { tenantId: principal.tenantId, modelId: model.id, status: { in: ["ACTIVE", "PAST_DUE"] } },
        select: {
          id: true,
          status: true,
          currentPeriodEnd: true,
          plan: { select: { monthlyFeeCents: true, rateLimitPerMinute: true } },
        },
      }) as Promise<LiveSubscription | null>,
  );
  if (model.unpublishedAt && subscription && model.publisherTenantId !== principal.tenantId) {
    if (subscription.currentPeriodEnd.getTime() <= Date.now()) {
      // The paid period is over: the subscription ends with it.
      await services.db.subscription.updateMany({
        where: { id: subscription.id, status: { not: "CANCELED" } },
        data: { status: "CANCELED", canceledAt: subscription.currentPeriodEnd },
      });
      await services.cacheBus.publish({ kind: "subscriptions", tenantId: principal.tenantId });
      throw notFound(`Model "${model.slug}" (unpublished by its publisher)`);
    }
    addNotice(
      `"${model.slug}" was unpublished on ${model.unpublishedAt.toISOString().slice(0, 10)}; your subscription is served ` +
        `until ${subscription.currentPeriodEnd.toISOString()} and then ends.`,
    );
  }
  if (subscription?.status === "PAST_DUE") {
    throw forbidden(
      `The subscription to "${model.slug}" is past due: its last invoice was not paid. Update the payment method to call it again.`,
    );
  }
  if (!subscription) {
    // A publisher tries its own models (a private draft, a new version) without subscribing:
    // own use, neither metered nor billed, within OWN_MODEL_CALLS_PER_MINUTE (billed-call.ts).
    if (model.publisherTenantId === principal.tenantId) {
      return { principal, model, version: chosen, subscription: null, weight: 1 };
    }
    throw forbidden(`No active subscription to "${model.slug}": subscribe to one of its plans first.`);
  }
  // Paying subscribers get twice a free caller's share of the tier under contention.
  const weight = subscription.plan.monthlyFeeCents > 0 ? 2 : 1;
  return { principal, model, version: chosen, subscription, weight };
}

/**
 * The model as a caller of inference may see it: what the catalog shows it, or an unpublished
 * model it still holds a live subscription to (served until the end of the paid period).
 */
async function findCallableModel(services: AppServices, principal: Principal, slug: string): Promise<ModelView> {
  try {
    return await findVisibleModel(services, principal, slug);
  } catch (error) {
    const row = await services.db.model.findFirst({
      where: {
        slug: slug.trim().toLowerCase(),
        unpublishedAt: { not: null },
        subscriptions: { some: { tenantId: principal.tenantId, status: { in: ["ACTIVE", "PAST_DUE"] } } },
      },
      include: MODEL_INCLUDE,
    });
    if (!row) throw error;
    return toModelView(row);
  }
}
