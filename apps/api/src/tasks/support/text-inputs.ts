import type { ModelTask } from "@modelmarket/db";
import { badInput, payloadTooLarge } from "@modelmarket/domain";
import type { OnnxInspection } from "@modelmarket/onnx";
import { createTokenizer, huggingFaceTokenizer } from "@modelmarket/tokenizers";
import type { Principal } from "../../auth/principal";
import type { BatchingPolicy, WireTensor } from "../../infra/inference-client";
import type { AppServices } from "../../services";
import { batchingPolicy } from "./batching-policy";
import { textPreprocessing, tokenizerKind } from "./preprocessing";
import { readPreprocessing, readTextAsset } from "./read-json-asset";
import { resolveCallableVersion } from "./resolve-callable-version";

/** Refuses what no text model should get: no texts, too many, blank or oversized ones. */
function validateTexts(services: AppServices, inputs: string[]): void {
  const { MAX_INPUTS_PER_CALL, TEXT_MAX_CHARS } = services.env;
  if (inputs.length === 0) throw badInput("`inputs` must hold at least one text.", "inputs");
  if (inputs.length > MAX_INPUTS_PER_CALL) throw payloadTooLarge(`At most ${MAX_INPUTS_PER_CALL} texts per call.`);
  inputs.forEach((text, i) => {
    if (text.length > TEXT_MAX_CHARS) {
      throw payloadTooLarge(`Text ${i} is longer than ${TEXT_MAX_CHARS} characters.`);
    }
    if (!text.trim()) throw badInput(`Text ${i} is empty.`, `inputs.${i}`);
  });
}

/**
 * Texts → the text convention's tensors (docs/publishing.md): `input_ids` and
 * `attention_mask` [batch, longest], left-aligned and zero-padded, plus zero
 * `token_type_ids` when the model takes them. Each text is cut at the declared maxLength.
 */
export async function textTensors(
  services: AppServices,
  version: { assets: unknown; signature: unknown },
  texts: string[],
): Promise<{ tensors: WireTensor[]; batching: BatchingPolicy | null }> {
  const settings = await readPreprocessing(services, version.assets, textPreprocessing);
  const assets = version.assets as Record<string, { sha256: string }>;
  const kind = tokenizerKind(settings, assets);
  const key = `${kind}:${assets.vocab?.sha256 ?? assets.tokenizer?.sha256}:${assets.tokenizer_config?.sha256}:${settings.lowercase}`;
  let tokenizer = services.taskAssets.tokenizers.get(key);
  if (!tokenizer) {
    tokenizer =
      kind === "huggingface"
        ? huggingFaceTokenizer(
            await readTextAsset(services, version.assets, "tokenizer"),
            assets.tokenizer_config ? await readTextAsset(services, version.assets, "tokenizer_config") : null,
          )
        : createTokenizer(kind ?? "wordpiece", await readTextAsset(services, version.assets, "vocab"), settings);
    services.taskAssets.tokenizers.set(key, tokenizer);
  }
  const ids = texts.map((t) => tokenizer.encode(t, settings.maxLength));
  const length = Math.max(1, ...ids.map((row) => row.length));
  const padId = tokenizer.padId ?? 0;
  const flatIds: number[] = [];
  const mask: number[] = [];
  for (const row of ids) {
    for (let i = 0; i < length; i++) {
      flatIds.push(row[i] ?? padId);
      mask.push(i < row.length ? 1 : 0);
    }
  }
  const shape = [texts.length, length];
  const tensors: WireTensor[] = [
    { name: "input_ids", datatype: "INT64", shape, data: flatIds },
    { name: "attention_mask", datatype: "INT64", shape, data: mask },
  ];
  const signature = version.signature as OnnxInspection;
  if (signature.inputs.some((i) => i.name === "token_type_ids")) {
    tensors.push({ name: "token_type_ids", datatype: "INT64", shape, data: new Array(flatIds.length).fill(0) });
  }
  return { tensors, batching: batchingPolicy("text", signature, settings.batching) };
}

/** Rows of a [batch, …] output. */
export function rowsOf(output: WireTensor | undefined, batch: number): number[][] {
  if (!output) throw new Error("the model returned no output");
  const data = output.data as number[];
  const width = data.length / batch;
  return Array.from({ length: batch }, (_, r) => data.slice(r * width, (r + 1) * width));
}

/**
 * What classifyText and embedText share before their own post-processing: the texts checked
 * (before anything is reserved or billed), the callable version, the tensors of the text
 * convention, and the model call with the caller's weight and the model's batching policy.
 */
export async function prepareTextCall(
  services: AppServices,
  caller: Principal | null,
  input: { model: string; inputs: string[]; version?: string | null },
  task: ModelTask,
  operation: string,
) {
  validateTexts(services, input.inputs);
  const callable = await resolveCallableVersion(services, caller, input.model, task, operation, input.version);
  const { principal, version } = callable;
  const { tensors, batching } = await textTensors(services, version, input.inputs);
  const run = () =>
    services.inference.infer(principal.tenantId, version.sha256, tensors, { weight: callable.weight, batching });
  return { callable, version, tensors, run };
}
