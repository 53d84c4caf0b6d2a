import type { Principal } from "../../auth/principal";
import { billedCall } from "../../metering/billed-call";
import type { AppServices } from "../../services";
import { prepareTextCall, rowsOf } from "../support/text-inputs";

/**
 * One vector per text from a TEXT_EMBEDDING model. A model that returns per-token vectors
 * [batch, sequence, dim] is mean-pooled over the real tokens and L2-normalised, the usual
 * sentence-transformers recipe; a [batch, dim] output is returned as the model gives it.
 */
export async function embedText(
  services: AppServices,
  caller: Principal | null,
  input: { model: string; inputs: string[]; version?: string | null },
) {
  const { callable, tensors, run } = await prepareTextCall(services, caller, input, "TEXT_EMBEDDING", "embedText");
  return billedCall(
    services,
    callable,
    input.inputs.length,
    async () => {
      const [output] = await run();
      if (output?.shape.length === 3) {
        const mask = tensors[1]?.data as number[];
        return meanPooled(output.data as number[], output.shape as [number, number, number], mask).map((values) => ({
          values,
        }));
      }
      return rowsOf(output, input.inputs.length).map((values) => ({ values }));
    },
    { inputs: input.inputs },
  );
}

function meanPooled(data: number[], [batch, length, dim]: [number, number, number], mask: number[]): number[][] {
  return Array.from({ length: batch }, (_, b) => {
    const sum = new Array<number>(dim).fill(0);
    let tokens = 0;
    for (let t = 0; t < length; t++) {
      if (!mask[b * length + t]) continue;
      tokens++;
      for (let d = 0; d < dim; d++) sum[d] = (sum[d] as number) + (data[(b * length + t) * dim + d] as number);
    }
    const mean = sum.map((v) => v / Math.max(1, tokens));
    const norm = Math.sqrt(mean.reduce((a, v) => a + v * v, 0)) || 1;
    return mean.map((v) => v / norm);
  });
}
