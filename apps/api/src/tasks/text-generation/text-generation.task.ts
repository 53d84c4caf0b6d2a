import type { TensorSignature } from "@modelmarket/onnx";
import { textGeneration } from "@modelmarket/tasks";
import { generationTokenizer } from "@modelmarket/tokenizers";
import type { ConventionCheck } from "../support/convention-check";
import type { TaskModule } from "../task-module";
import { GenerateTextResolver } from "./generate-text.resolver";

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;

export const textGenerationTask: TaskModule = {
  descriptor: textGeneration,
  resolver: GenerateTextResolver,
  async check(c) {
    checkDecoderGraph(c);
    let tokenizer: ReturnType<typeof generationTokenizer>;
    try {
      tokenizer = generationTokenizer(
        await c.readText("tokenizer", "tokenizer.json"),
        c.has("tokenizer_config") ? await c.readText("tokenizer_config", "tokenizer_config.json") : null,
      );
    } catch (error) {
      throw c.misfit(`its tokenizer does not load (${(error as Error).message})`);
    }
    const vocab = c.signature.outputs.find((o) => o.name === "logits")?.shape?.[2];
    const probe = tokenizer.encode("Hello, world");
    if (typeof vocab === "number" && probe.some((id) => id >= vocab)) {
      throw c.misfit(
        `the tokenizer gives ids beyond the model's vocabulary of ${vocab} (logits): not this model's tokenizer`,
      );
    }
    for (const role of ["generation_config", "config", "tokenizer_config"]) {
      if (c.has(role)) {
        const parsed = await c.readJson(role, "a JSON object");
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
          throw c.misfit(`the "${role}" asset must be a JSON object`);
      }
    }
  },
};

/**
 * An Optimum `text-generation-with-past` export: input_ids and attention_mask (int64),
 * position_ids optional, past_key_values.{i}.key/value float [batch, heads, past, head_dim]
 * with fixed heads and head size; outputs logits float [batch, sequence, vocab] and
 * present.{i}.key/value. Answers the number of layers.
 */
function checkDecoderGraph(c: ConventionCheck): number {
  const inputs = new Map(c.signature.inputs.map((i) => [i.name, i]));
  const outputs = new Map(c.signature.outputs.map((o) => [o.name, o]));
  for (const name of ["input_ids", "attention_mask"]) {
    const t = inputs.get(name);
    if (!t) {
      throw c.misfit(
        `it must take input_ids and attention_mask (an Optimum text-generation-with-past export); it takes ${[...inputs.keys()].join(", ")}`,
      );
    }
    c.expectTensor(t, ["int64"], 2, `input "${name}"`);
  }
  const pasts = [...inputs.values()].filter((t) => PAST.test(t.name));
  if (!pasts.length) {
    throw c.misfit(
      "it takes no past_key_values.*: export it with past (optimum-cli export onnx --task text-generation-with-past)",
    );
  }
  const layerCount = new Set(pasts.map((t) => PAST.exec(t.name)?.[1])).size;
  const first = pasts[0] as TensorSignature;
  for (const t of pasts) {
    c.expectTensor(t, ["float"], 4, `input "${t.name}" (a key/value cache)`);
    const heads = t.shape?.[1];
    const headDim = t.shape?.[3];
    if (typeof heads !== "number" || typeof headDim !== "number") {
      throw c.misfit(
        `input "${t.name}" must have a fixed number of heads and head size ([batch, heads, past, head_dim])`,
      );
    }
    if (heads !== first.shape?.[1] || headDim !== first.shape?.[3]) {
      throw c.misfit(
        `the caches disagree: "${t.name}" is ${heads}×${headDim}, "${first.name}" ${first.shape?.[1]}×${first.shape?.[3]}`,
      );
    }
  }
  for (let layer = 0; layer < layerCount; layer++) {
    for (const kind of ["key", "value"]) {
      if (!inputs.has(`past_key_values.${layer}.${kind}`)) {
        throw c.misfit(`it has ${layerCount} layers of caches but no past_key_values.${layer}.${kind}`);
      }
      if (!outputs.has(`present.${layer}.${kind}`)) {
        throw c.misfit(`it must return present.${layer}.${kind} for its past_key_values.${layer}.${kind}`);
      }
    }
  }
  const logits = outputs.get("logits");
  if (!logits) throw c.misfit(`it must return "logits"; it returns ${[...outputs.keys()].join(", ")}`);
  c.expectTensor(logits, ["float"], 3, 'output "logits" ([batch, sequence, vocab])');
  if (typeof logits.shape?.[2] !== "number") throw c.misfit('output "logits" must have a fixed vocabulary size');
  return layerCount;
}
