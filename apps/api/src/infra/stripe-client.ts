import Stripe from "stripe";
import type { Env } from "../env";

/**
 * The Stripe SDK when STRIPE_SECRET_KEY is set, else null (the internal ledger is then the
 * whole billing system). STRIPE_API_BASE points it elsewhere (tests use a local server).
 */
export function createStripe(env: Env): Stripe | null {
  if (!env.STRIPE_SECRET_KEY) return null;
  const base = env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : null;
  return new Stripe(env.STRIPE_SECRET_KEY, {
    maxNetworkRetries: 2,
    timeout: 10_000,
    appInfo: { name: "modelmarket" },
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === "https:" ? 443 : 80)),
          protocol: base.protocol.replace(":", "") as "http" | "https",
        }
      : {}),
  });
}
