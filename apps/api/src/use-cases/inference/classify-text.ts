import type { Principal } from "../../auth/principal";
import type { AppServices } from "../../services";
import { billedCall } from "./billed-call";
import { probabilities } from "./probabilities";
import { readListAsset } from "./read-json-asset";
import { resolveCallableVersion } from "./resolve-callable-version";
import { rowsOf, textTensors, validateTexts } from "./text-inputs";

/**
 * Labels for each text from a TEXT_CLASSIFICATION model: the best label, its score and
 * every label's score, best first. Scores are probabilities (softmax applied to logits).
 */
export async function classifyText(
  services: AppServices,
  caller: Principal | null,
  input: { model: string; inputs: string[]; version?: string | null },
) {
  validateTexts(services, input.inputs);
  const callable = await resolveCallableVersion(
    services,
    caller,
    input.model,
    "TEXT_CLASSIFICATION",
    "classifyText",
    input.version,
  );
  const { principal, version } = callable;
  const labels = (await readListAsset(services, version.assets, "labels")).map(String);
  const { tensors, batching } = await textTensors(services, version, input.inputs);
  return billedCall(
    services,
    callable,
    input.inputs.length,
    async () => {
      const outputs = await services.inference.infer(principal.tenantId, version.sha256, tensors, {
        weight: callable.weight,
        batching,
      });
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
