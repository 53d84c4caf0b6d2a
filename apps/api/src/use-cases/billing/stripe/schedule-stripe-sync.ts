import type { AppServices } from "../../../services";
import { syncStripe } from "./sync-stripe";

/** Runs the Stripe sync every STRIPE_SYNC_INTERVAL_MS while Stripe is configured (0 = never). */
export function scheduleStripeSync(services: AppServices): NodeJS.Timeout | undefined {
  const every = services.env.STRIPE_SYNC_INTERVAL_MS;
  if (!services.stripe || !every) return undefined;
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const result = await syncStripe(services);
      if (Object.values(result).some((n) => n > 0)) services.logger.info(result, "stripe sync");
    } catch (error) {
      services.logger.error({ err: error }, "stripe sync failed");
    } finally {
      running = false;
    }
  }, every);
  timer.unref();
  return timer;
}
