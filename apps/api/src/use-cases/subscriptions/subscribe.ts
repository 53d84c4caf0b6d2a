import { isUniqueViolation } from "@modelmarket/db";
import { badInput, newId, notFound } from "@modelmarket/domain";
import type { Principal } from "../../auth/principal";
import { requireScope } from "../../auth/require-scope";
import type { AppServices } from "../../services";
import { audit } from "../audit";
import { findModel } from "../catalog/find-model";
import { addMonths } from "./billing-period";
import { SUBSCRIPTION_INCLUDE, withUsedUnits } from "./subscription-view";

/** Subscribes the caller's tenant to a plan of a model it can see; one live subscription per model. */
export async function subscribe(services: AppServices, caller: Principal | null, modelSlug: string, planId: string) {
  const principal = requireScope(caller, "billing:write");
  const model = await findModel(services, principal, modelSlug);
  const plan = model.plans.find((p) => p.id === planId);
  if (!plan) throw notFound(`Plan "${planId}" of model "${model.slug}"`);

  const live = await services.db.subscription.findFirst({
    where: { tenantId: principal.tenantId, modelId: model.id, status: { not: "CANCELED" } },
  });
  if (live) throw alreadySubscribed(model.slug);
  const now = new Date();
  try {
    const subscription = await services.db.$transaction(async (tx) => {
      const created = await tx.subscription.create({
        data: {
          id: newId("subscription"),
          tenantId: principal.tenantId,
          modelId: model.id,
          planId: plan.id,
          status: "ACTIVE",
          currentPeriodStart: now,
          currentPeriodEnd: addMonths(now, 1),
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
    return withUsedUnits(services, subscription);
  } catch (error) {
    // A concurrent subscribe won the race: the partial unique index refused this one.
    if (isUniqueViolation(error)) throw alreadySubscribed(model.slug);
    throw error;
  }
}

const alreadySubscribed = (slug: string) =>
  badInput(`You already have an active subscription to "${slug}"; cancel it before choosing another plan.`, "model");
