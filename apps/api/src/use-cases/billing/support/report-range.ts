import { badInput } from "@modelmarket/domain";

export const MAX_RANGE_DAYS = 366;

/** A report's time range, checked: ordered and at most a year. */
export function reportRange(from: Date, to: Date): { from: Date; to: Date } {
  if (!(from < to)) throw badInput("`from` must be before `to`.", "from");
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    throw badInput(`A report covers at most ${MAX_RANGE_DAYS} days.`, "to");
  }
  return { from, to };
}
