import type { TensorSignature } from "@modelmarket/onnx";
import { textGeneration } from "@modelmarket/tasks";
import { generationTokenizer } from "@modelmarket/tokenizers";
import type { ConventionCheck } from "../support/convention-check";
import type { TaskModule } from "../task-module";
import { GenerateTextResolver } from "./generate-text.resolver";
import { answerGenerationExample } from "./generation-example";
import { decoderStartOf } from "./generation-settings";

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;

export const textGenerationTask: TaskModule = {
  descriptor: textGeneration,
  resolver: GenerateTextResolver,
  async check(c) {
    // An encoder-decoder's merged decoder takes the encoder's states; a decoder-only model does not.
    if (c.signature.inputs.some((i) => i.name === "encoder_hidden_states")) await checkSeq2Seq(c);
    else checkDecoderGraph(c);
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
  answerExample: answerGenerationExample,
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

const SEQ2SEQ_PAST = /^past_key_values\.(\d+)\.(decoder|encoder)\.(key|value)$/;

/**
 * An Optimum seq2seq export (text2text-generation-with-past): the version's model is
 * `decoder_model_merged.onnx` — input_ids, encoder_attention_mask (int64), encoder_hidden_states
 * (float [batch, source, d]), past_key_values.{i}.decoder|encoder.key|value, use_cache_branch →
 * logits and present.* — and its `encoder` asset `encoder_model.onnx` (input_ids,
 * attention_mask → last_hidden_state of the same width d); the configs say the decoder's start token.
 */
async function checkSeq2Seq(c: ConventionCheck): Promise<void> {
  const inputs = new Map(c.signature.inputs.map((i) => [i.name, i]));
  const outputs = new Map(c.signature.outputs.map((o) => [o.name, o]));
  for (const name of ["input_ids", "encoder_attention_mask"]) {
    const t = inputs.get(name);
    if (!t)
      throw c.misfit(`an encoder-decoder's decoder takes ${name} (decoder_model_merged.onnx of an Optimum export)`);
    c.expectTensor(t, ["int64"], 2, `input "${name}"`);
  }
  const states = inputs.get("encoder_hidden_states") as TensorSignature;
  c.expectTensor(states, ["float"], 3, 'input "encoder_hidden_states" ([batch, source, d])');
  if (!inputs.has("use_cache_branch")) {
    throw c.misfit(
      "an encoder-decoder's decoder must be the merged one (decoder_model_merged.onnx, with use_cache_branch): decoder_model.onnx and decoder_with_past_model.onnx alone cannot both encode and continue",
    );
  }
  const pasts = [...inputs.values()].filter((t) => SEQ2SEQ_PAST.test(t.name));
  const layers = new Set(pasts.map((t) => SEQ2SEQ_PAST.exec(t.name)?.[1]));
  if (!layers.size)
    throw c.misfit("it takes no past_key_values.*: export it with past (text2text-generation-with-past)");
  for (const layer of layers) {
    for (const part of ["decoder", "encoder"]) {
      for (const kind of ["key", "value"]) {
        const name = `past_key_values.${layer}.${part}.${kind}`;
        const t = inputs.get(name);
        if (!t) throw c.misfit(`it has caches of layer ${layer} but no ${name}`);
        c.expectTensor(t, ["float"], 4, `input "${name}" (a key/value cache)`);
        if (typeof t.shape?.[1] !== "number" || typeof t.shape?.[3] !== "number") {
          throw c.misfit(`input "${name}" must have a fixed number of heads and head size`);
        }
        if (!outputs.has(name.replace("past_key_values.", "present."))) {
          throw c.misfit(`it must return ${name.replace("past_key_values.", "present.")} for its ${name}`);
        }
      }
    }
  }
  const logits = outputs.get("logits");
  if (!logits) throw c.misfit(`it must return "logits"; it returns ${[...outputs.keys()].join(", ")}`);
  c.expectTensor(logits, ["float"], 3, 'output "logits" ([batch, sequence, vocab])');
  if (typeof logits.shape?.[2] !== "number") throw c.misfit('output "logits" must have a fixed vocabulary size');

  const encoder = await c.readOnnx(
    "encoder",
    "encoder_model.onnx of the same export, uploaded like a model (kind=model) and given as the encoder asset",
  );
  const encoderInputs = new Map(encoder.inputs.map((i) => [i.name, i]));
  for (const name of ["input_ids", "attention_mask"]) {
    const t = encoderInputs.get(name);
    if (!t)
      throw c.misfit(
        `its encoder must take input_ids and attention_mask; it takes ${[...encoderInputs.keys()].join(", ")}`,
      );
    c.expectTensor(t, ["int64"], 2, `encoder input "${name}"`);
  }
  const hidden = encoder.outputs.find((o) => o.name === "last_hidden_state") ?? encoder.outputs[0];
  if (!hidden) throw c.misfit("its encoder returns nothing");
  c.expectTensor(hidden, ["float"], 3, "the encoder's output (last_hidden_state [batch, source, d])");
  const [width, wanted] = [hidden.shape?.[2], states.shape?.[2]];
  if (typeof width === "number" && typeof wanted === "number" && width !== wanted) {
    throw c.misfit(`its encoder's states are ${width} wide but the decoder takes ${wanted}: not the same export`);
  }
  const json = async (role: string) =>
    c.has(role) ? ((await c.readJson(role, "a JSON object")) as Record<string, unknown>) : {};
  if (decoderStartOf(await json("generation_config"), await json("config")) === null) {
    throw c.misfit(
      "an encoder-decoder needs its decoder's start token: give generation_config.json or config.json with decoder_start_token_id",
    );
  }
}
