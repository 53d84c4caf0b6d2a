import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { SentencePieceTokenizer } from "@modelmarket/tokenizers";
import { describe, expect, it } from "vitest";
import { packageDir } from "../package-dir";
import { readEncoderVocab } from "./encoder-graph";

/**
 * The reference tokenizer is not exported by @energetic-ai/embeddings; evaluate its bundle
 * with the `Tokenizer` class exposed, so our port is compared with the original code.
 */
function referenceTokenizer(vocab: unknown): { encode(text: string): number[] } {
  const file = path.join(packageDir("@energetic-ai/embeddings"), "dist", "index.js");
  const source = `${fs.readFileSync(file, "utf8")}\nmodule.exports.__Tokenizer = Tokenizer;`;
  const module = { exports: {} as Record<string, unknown> };
  vm.runInThisContext(`(function (module, exports, require) {${source}\n})`)(module, module.exports, require);
  const Tokenizer = module.exports.__Tokenizer as new (v: unknown) => { encode(text: string): number[] };
  return new Tokenizer(vocab);
}

describe("SentencePiece tokenizer port", () => {
  const vocab = readEncoderVocab();
  const ours = new SentencePieceTokenizer(vocab);
  const reference = referenceTokenizer(vocab);

  it("happy: gives exactly the reference ids on varied text (case, punctuation, unicode, emoji, spaces)", () => {
    const texts = [
      "Hello world!",
      "The food was great, I loved it.",
      "Ünïcödé — naïve café 🍕🍕 test",
      "a  b   c",
      "ＦＵＬＬ-width ｔｅｘｔ is NFKC-normalised",
      "don't won't can't shouldn't",
      "1234567890 $%^&*() <html>",
      "日本語のテキスト",
      "",
      " leading and trailing spaces ",
      "supercalifragilisticexpialidocious antidisestablishmentarianism",
    ];
    for (const text of texts) expect(ours.encode(text), text).toEqual(reference.encode(text));
  });

  it("happy: matches the reference on every sentence of the sentiment data set", async () => {
    const dir = path.join(packageDir("sentiment"), "test", "fixtures");
    const rows = JSON.parse(fs.readFileSync(path.join(dir, "imdb.json"), "utf8")) as { text: string }[];
    for (const { text } of rows) expect(ours.encode(text)).toEqual(reference.encode(text));
  });

  it("error: unknown characters become id 0, and a run of them one id", () => {
    const ids = ours.encode("x \u{10FFFD}\u{10FFFC} y");
    expect(ids.filter((id) => id === 0)).toHaveLength(1);
    expect(ids).toEqual(reference.encode("x \u{10FFFD}\u{10FFFC} y"));
  });
});
