import { createTokenizer, huggingFaceTokenizer } from "@modelmarket/tokenizers";
import type { ConventionCheck } from "./convention-check";
import { parsePreprocessing, textPreprocessing, tokenizerKind } from "./preprocessing";

/** The text convention's input names (docs/publishing.md). */
export const TEXT_INPUT_NAMES = ["input_ids", "attention_mask", "token_type_ids"] as const;

/**
 * Inputs input_ids + attention_mask (+ token_type_ids), int64 [batch, sequence], and a
 * tokenizer that loads: a Hugging Face tokenizer.json, or a declared vocabulary.
 */
export async function checkTextInputs(c: ConventionCheck): Promise<void> {
  const byName = new Map(c.signature.inputs.map((i) => [i.name, i]));
  const unknown = c.signature.inputs
    .map((i) => i.name)
    .filter((n) => !(TEXT_INPUT_NAMES as readonly string[]).includes(n));
  if (!byName.has("input_ids") || !byName.has("attention_mask") || unknown.length) {
    throw c.misfit(
      `it must take inputs input_ids and attention_mask (and optionally token_type_ids)${unknown.length ? `, not ${unknown.join(", ")}` : ""}`,
    );
  }
  for (const input of c.signature.inputs) c.expectTensor(input, ["int64"], 2, `input "${input.name}"`);
  // A Hugging Face export needs no preprocessing asset: its tokenizer.json says it all.
  const declared = parsePreprocessing(
    textPreprocessing,
    c.has("preprocessing") || !c.has("tokenizer") ? await c.readJson("preprocessing", "a JSON object") : {},
  );
  if (!declared.ok) throw c.misfit(`the preprocessing asset is invalid (${declared.why})`);
  const kind = tokenizerKind(declared.value, c.assets);
  if (!kind)
    throw c.misfit('it needs a "tokenizer" asset (tokenizer.json) or preprocessing.tokenizer with a "vocab" asset');
  if (kind === "huggingface") {
    const file = await c.readText("tokenizer", "a Hugging Face tokenizer.json");
    const config = c.has("tokenizer_config") ? await c.readText("tokenizer_config", "tokenizer_config.json") : null;
    try {
      huggingFaceTokenizer(file, config);
    } catch (error) {
      throw c.misfit(`the tokenizer asset is not a usable tokenizer.json: ${(error as Error).message}`);
    }
    return;
  }
  const vocab = await c.readText("vocab", "the tokenizer vocabulary");
  try {
    createTokenizer(kind, vocab, declared.value);
  } catch (error) {
    throw c.misfit(`the vocab asset does not fit tokenizer "${kind}": ${(error as Error).message}`);
  }
}
