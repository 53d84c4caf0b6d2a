import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { billedCall } from "./billed-call";
import { probabilities } from "./probabilities";
import { readListAsset } from "./read-json-asset";
import { prepareTextCall, rowsOf } from "./text-inputs";

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
  const labels = (await readListAsset(services, version.assets, "labels")).map(String);
  return billedCall(
    services,
    callable,
    input.inputs.length,
    async () => {
      const outputs = await run();
      return rowsOf(outputs[0], input.inputs.length).map((row) => {
        const scores = probabilities(row)
          .map((score, i) => ({ label: labels[i] ?? String(i), score }))
          .sort((a, b) => b.score - a.score);
        const best = scores[0] ?? { label: "", score: 0 };
        return { label: best.label, score: best.score, scores };
      });
    },
    { inputs: input.inputs },
  );
}
