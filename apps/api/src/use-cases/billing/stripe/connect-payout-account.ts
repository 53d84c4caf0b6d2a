import { AppError } from "@modelmarket/domain";
import type { Principal } from "../../../auth/principal";
import { requirePrincipal } from "../../../auth/require-scope";
import type { AppServices } from "../../../services";

/**
 * Stripe Connect onboarding for a publisher: creates its Express account once (idempotent on
 * the tenant id) and returns a fresh onboarding link. Closed periods' earnings are then paid
 * to it by transfers (sync-stripe.ts).
 */
export async function connectPayoutAccount(services: AppServices, caller: Principal | null) {
  const principal = requirePrincipal(caller);
  const stripe = services.stripe;
  if (!stripe) {
    throw new AppError("UNAVAILABLE", "Payouts through Stripe are not configured on this platform.");
  }
  const tenant = await services.db.tenant.findUniqueOrThrow({ where: { id: principal.tenantId } });
  let accountId = tenant.stripeAccountId;
  if (!accountId) {
    const account = await stripe.accounts.create(
      { type: "express", metadata: { tenantId: tenant.id, tenantSlug: tenant.slug } },
      { idempotencyKey: `mm-account-${tenant.id}` },
    );
    accountId = account.id;
    await services.db.tenant.update({ where: { id: tenant.id }, data: { stripeAccountId: accountId } });
  }
  const returnUrl = services.env.STRIPE_CONNECT_RETURN_URL;
  // Links expire within minutes: a retry in the same minute gets the same link, later ones a new one.
  const link = await stripe.accountLinks.create(
    { account: accountId, type: "account_onboarding", return_url: returnUrl, refresh_url: returnUrl },
    { idempotencyKey: `mm-account-link-${accountId}-${Math.floor(Date.now() / 60_000)}` },
  );
  return { accountId, url: link.url };
}
