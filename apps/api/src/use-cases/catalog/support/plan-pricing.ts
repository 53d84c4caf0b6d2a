import { badInput, type PlanTerms } from "@modelmarket/domain";
import { descriptorOf } from "@modelmarket/tasks";

/**
 * How a plan may price its model's calls, by the task's metering: a task metered per input
 * (one unit per text or image) prices units (unitPriceMicros); a task metered by token
 * (generation) prices prompt and generated tokens per million, separately, as every LLM price
 * list does — so its plans say both token prices (0 is free) and no unit price. A plan that
 * mixes them is refused rather than billed in a way its publisher did not mean.
 */
export function assertPlanPricing(task: string, plans: PlanTerms[], field: (i: number) => string): void {
  const byToken = descriptorOf(task).meteredBy === "token";
  plans.forEach((plan, i) => {
    const input = plan.inputPricePerMillionMicros ?? null;
    const output = plan.outputPricePerMillionMicros ?? null;
    if (byToken) {
      if (input === null || output === null) {
        throw badInput(
          `A ${task} plan prices tokens: give inputPricePerMillionMicros and outputPricePerMillionMicros (millionths of the currency per million tokens; 0 is free).`,
          `${field(i)}.${input === null ? "inputPricePerMillionMicros" : "outputPricePerMillionMicros"}`,
        );
      }
      if (plan.unitPriceMicros !== 0) {
        throw badInput(
          `A ${task} plan prices tokens, not units: set unitPriceMicros to 0 and use the token prices.`,
          `${field(i)}.unitPriceMicros`,
        );
      }
    } else if (input !== null || output !== null) {
      throw badInput(
        `A ${task} plan prices each input with unitPriceMicros; token prices are for token-metered tasks (TEXT_GENERATION).`,
        `${field(i)}.${input !== null ? "inputPricePerMillionMicros" : "outputPricePerMillionMicros"}`,
      );
    }
  });
}
