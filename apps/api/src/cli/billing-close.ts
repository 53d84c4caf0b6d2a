// `npm run billing:close -- --period 2026-11`: closes a calendar month into invoices and
// payout entries. Idempotent: a second run changes nothing. With the embedded database the
// running API holds it, so stop the API first (its hourly schedule closes periods anyway).
import { closePeriod, previousMonth } from "../use-cases/billing/close-period";
import { runWithServices } from "./with-services";

runWithServices(async (services) => {
  const args = process.argv.slice(2);
  const index = args.indexOf("--period");
  const period = index >= 0 ? (args[index + 1] as string) : previousMonth(new Date());
  const result = await closePeriod(services, period);
  console.log(
    `period ${result.period}: ${result.invoices} invoice(s) created, ${result.alreadyClosed} already closed before`,
  );
});
