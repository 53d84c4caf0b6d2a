import type { Principal } from "../../auth/principal";
import type { WireTensor } from "../../infra/inference-client";
import { billedCall } from "../../metering/billed-call";
import type { AppServices } from "../../services";
import { probabilities } from "../support/probabilities";
import { readLabels } from "../support/read-json-asset";
import { prepareTextCall, rowsOf } from "../support/text-inputs";

/**
 * Labels for each text from a TEXT_CLASSIFICATION model: the best label, its score and
 * every label's score, best first. Scores are probabilities (softmax applied to logits).
 */
export async function classifyText(
  services: AppServices,
  caller: Principal | null,
  input: { model: string; inputs: string[]; version?: string | null },
) {
  const { callable, version, run } = await prepareTextCall(
    services,
    caller,
    input,
    "TEXT_CLASSIFICATION",
    "classifyText",
  );
  const labels = await readLabels(services, version.assets);
  return billedCall(
    services,
    callable,
    input.inputs.length,
    async () => {
      return textClassifications(await run(), labels, input.inputs.length);
    },
    { inputs: input.inputs },
  );
}

/** Each text's answer from the model's outputs: the best label and every label's probability. */
export function textClassifications(outputs: WireTensor[], labels: string[], texts: number) {
  return rowsOf(outputs[0], texts).map((row) => {
    const scores = probabilities(row)
      .map((score, i) => ({ label: labels[i] ?? String(i), score }))
      .sort((a, b) => b.score - a.score);
    const best = scores[0] ?? { label: "", score: 0 };
    return { label: best.label, score: best.score, scores };
  });
}
