import { reconcileQuietMs } from "../../metering/reserve-units";
import type { AppServices } from "../../services";
import { closePeriod, previousMonth } from "./close-period";

/**
 * Closes last month on a schedule (BILLING_CLOSE_INTERVAL_MS, hourly by default; 0 = never):
 * the first check after a month ends (and its last calls have surely ended) invoices it. Closing is idempotent and runs under a
 * database lock, so any number of instances may run this timer.
 */
export function scheduleBillingClose(services: AppServices): NodeJS.Timeout | undefined {
  const every = services.env.BILLING_CLOSE_INTERVAL_MS;
  if (!every) return undefined;
  const run = async () => {
    // A month closes once every call that began in it has surely ended (charged or taken back).
    const period = previousMonth(new Date(Date.now() - reconcileQuietMs(services.env)));
    try {
      const result = await closePeriod(services, period);
      if (result.invoices) services.logger.info(result, "billing period closed");
    } catch (error) {
      services.logger.error({ err: error, period }, "closing the billing period failed; retrying at the next check");
    }
  };
  void run();
  const timer = setInterval(() => void run(), every);
  timer.unref();
  return timer;
}
