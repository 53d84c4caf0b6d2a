import type { ModelTask } from "@modelmarket/db";
import { badInput } from "@modelmarket/domain";

/** Tasks whose model card must say what the model may be used for (biometric: faces). */
const CARD_NEEDS_INTENDED_USE: ReadonlySet<ModelTask> = new Set(["FACE_EMBEDDING"]);

/**
 * A face model's card must state its intended use (docs/privacy.md): at publish and on every
 * edit of the card, so it can never be published or left without one.
 */
export function assertCardRules(task: ModelTask, card: { intendedUse?: string | null } | null | undefined): void {
  if (CARD_NEEDS_INTENDED_USE.has(task) && !card?.intendedUse?.trim()) {
    throw badInput(
      `A ${task} model's card must say its intended use (card.intendedUse): what it is for and what it must not be used for.`,
      "card.intendedUse",
    );
  }
}
