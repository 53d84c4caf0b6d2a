import { isUniqueViolation } from "@modelmarket/db";
import { AppError, badInput, newId, notFound } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import { requirePrincipal } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { audit } from "../support/audit";
import { findVisibleModel } from "../support/model-view";
import { addMonths } from "./support/billing-period";
import { SUBSCRIPTION_INCLUDE, withUsedUnits } from "./support/subscription-view";

/** Subscribes the caller's tenant to a plan of a model it can see; one live subscription per model. */
export async function subscribe(services: AppServices, caller: Principal | null, modelSlug: string, planId: string) {
  const principal = requirePrincipal(caller);
  const model = await findVisibleModel(services, principal, modelSlug);
  const plan = model.plans.find((p) => p.id === planId);
  if (!plan) throw notFound(`Plan "${planId}" of model "${model.slug}"`);

  const live = await services.db.subscription.findFirst({
    where: { tenantId: principal.tenantId, modelId: model.id, status: { not: "CANCELED" } },
  });
  if (live) throw alreadySubscribed(model.slug);
  const now = new Date();
  await refuseWhileUnpaid(services, principal, model.publisherTenantId, plan);
  // Included units are per tenant, model and period: a re-subscription while an earlier
  // subscription's period is still running continues that period and its used units, so
  // cancel + subscribe cannot refill a quota. Every re-subscription copies its period, so
  // several earlier ones share currentPeriodEnd: the one that continues is the one that used the
  // most (each carries all before it), never whichever the tie happens to return first.
  const earlier = await services.db.subscription.findFirst({
    where: { tenantId: principal.tenantId, modelId: model.id, status: "CANCELED", currentPeriodEnd: { gt: now } },
    orderBy: [{ currentPeriodEnd: "desc" }, { periodUnits: "desc" }, { createdAt: "desc" }],
  });
  try {
    const subscription = await services.db.$transaction(async (tx) => {
      // Made private or unpublished since it was read: under a share lock of the model's row
      // (update-model.ts counts subscribers under its exclusive lock), check again.
      const [current] = await tx.$queryRaw<{ visibility: string; unpublishedAt: Date | null }[]>`
        SELECT visibility::text AS visibility, "unpublishedAt" FROM "Model" WHERE id = ${model.id} FOR SHARE`;
      const own = model.publisherTenantId === principal.tenantId;
      if (!current || (!own && (current.visibility === "PRIVATE" || current.unpublishedAt)))
        throw notFound(`Model "${model.slug}"`);
      const created = await tx.subscription.create({
        data: {
          id: newId("subscription"),
          tenantId: principal.tenantId,
          modelId: model.id,
          planId: plan.id,
          status: "ACTIVE",
          currentPeriodStart: earlier?.currentPeriodStart ?? now,
          currentPeriodEnd: earlier?.currentPeriodEnd ?? addMonths(now, 1),
          periodUnits: earlier?.periodUnits ?? 0,
          carriedUnits: earlier?.periodUnits ?? 0,
        },
        include: SUBSCRIPTION_INCLUDE,
      });
      await audit(
        tx,
        principal,
        "subscription.created",
        { type: "subscription", id: created.id },
        {
          model: model.slug,
          plan: plan.name,
        },
      );
      return created;
    });
    await services.cacheBus.publish({ kind: "subscriptions", tenantId: principal.tenantId });
    return withUsedUnits(services, subscription);
  } catch (error) {
    // A concurrent subscribe won the race: the partial unique index refused this one.
    if (isUniqueViolation(error)) throw alreadySubscribed(model.slug);
    throw error;
  }
}

/**
 * Unpaid debt follows the tenant, not the subscription, and the people who own it: while any
 * invoice of this organisation, or of any organisation the caller owns, is unpaid (even on a
 * subscription canceled since) the caller may not subscribe to that publisher's models, nor to
 * any paid plan, so a new organisation is no way out of a debt.
 */
async function refuseWhileUnpaid(
  services: AppServices,
  principal: Principal,
  publisherTenantId: string,
  plan: { monthlyFeeCents: number; unitPriceMicros: number },
): Promise<void> {
  const paid = plan.monthlyFeeCents > 0 || plan.unitPriceMicros > 0;
  const owned = principal.userId
    ? await services.db.membership.findMany({
        where: { userId: principal.userId, role: "OWNER" },
        select: { tenantId: true },
      })
    : [];
  const unpaid = await services.db.subscription.findFirst({
    where: {
      tenantId: { in: [principal.tenantId, ...owned.map((m) => m.tenantId)] },
      unpaidSince: { not: null },
      ...(paid ? {} : { model: { publisherTenantId } }),
    },
    include: { model: { select: { slug: true } }, tenant: { select: { slug: true } } },
  });
  if (!unpaid) return;
  throw new AppError(
    "FORBIDDEN",
    `An invoice ${unpaid.tenantId === principal.tenantId ? "" : `of your organisation "${unpaid.tenant.slug}" `}for "${unpaid.model.slug}" is unpaid since ${unpaid.unpaidSince?.toISOString()}; ` +
      "pay it (update the payment method) before subscribing to a paid plan or to this publisher's models.",
  );
}

const alreadySubscribed = (slug: string) =>
  badInput(`You already have an active subscription to "${slug}"; cancel it before choosing another plan.`, "model");
