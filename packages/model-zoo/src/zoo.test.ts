import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inspectOnnx } from "@modelmarket/onnx";
import { generationTokenizer } from "@modelmarket/tokenizers";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCached, encodeSotu, heldOutAddresses, ZOO, type ZooModel, zooMetrics, zooModels } from "./index";
import { selfieSegmenterFiles } from "./selfie-segmenter/selfie-segmenter";

// Shared with the API tests: builds are cached by content hash, so only the first run trains.
const outDir = path.join(os.tmpdir(), "modelmarket-zoo-cache");
let models: Map<string, ZooModel>;

beforeAll(async () => {
  models = new Map((await zooModels(outDir)).map((m) => [m.name, m]));
}, 180_000);

const model = (name: string) => models.get(name) as ZooModel;
const sha = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

describe("model zoo", () => {
  it("happy: ships the eight models of the catalog, one per task", () => {
    expect([...models.values()].map((m) => [m.name, m.task])).toEqual([
      ["sentence-encoder", "TEXT_EMBEDDING"],
      ["sentiment", "TEXT_CLASSIFICATION"],
      ["math-symbols", "IMAGE_CLASSIFICATION"],
      ["object-detector", "OBJECT_DETECTION"],
      ["food-recommender", "RECOMMENDATION"],
      ["face-detector", "FACE_DETECTION"],
      ["selfie-segmenter", "IMAGE_SEGMENTATION"],
      ["sotu-gpt", "TEXT_GENERATION"],
    ]);
  });

  it("happy: math-symbols is Detypify's real exported model, with one label per output", () => {
    const info = inspectOnnx(fs.readFileSync(model("math-symbols").modelPath));
    expect(info.inputs).toEqual([{ name: "x", elemType: "float", shape: [1, 1, 224, 224] }]);
    expect(info.outputs[0]?.shape).toEqual([1, 411]);
    expect(info.producer).toMatch(/pytorch/);
    const labels = JSON.parse(fs.readFileSync(model("math-symbols").assetPaths.labels as string, "utf8")) as string[];
    expect(labels).toHaveLength(411);
    expect(labels).toContain("α alpha");
  });

  it("happy: math-symbols recognises sketched symbols it never saw (sanity set floors)", () => {
    const e = model("math-symbols").evaluation ?? {};
    expect(e.sanityDrawings).toBe(72);
    expect(e.sanityTop1).toBeGreaterThanOrEqual(0.9);
    expect(e.sanityTop5).toBeGreaterThanOrEqual(0.95);
  });

  it("happy: the text models follow the text convention (input_ids + attention_mask, int64)", () => {
    for (const name of ["sentence-encoder", "sentiment"]) {
      const info = inspectOnnx(fs.readFileSync(model(name).modelPath));
      expect(info.inputs.map((i) => [i.name, i.elemType, i.shape])).toEqual([
        ["input_ids", "int64", ["batch", "sequence"]],
        ["attention_mask", "int64", ["batch", "sequence"]],
      ]);
      expect(Object.keys(model(name).assetPaths)).toEqual(expect.arrayContaining(["vocab", "preprocessing"]));
    }
    expect(inspectOnnx(fs.readFileSync(model("sentiment").modelPath)).outputs[0]?.shape).toEqual(["batch", 2]);
  });

  it("happy: sentiment reaches the accuracy floor on held-out folds and across domains", () => {
    const e = model("sentiment").evaluation ?? {};
    expect(e.sentences).toBeGreaterThan(2900);
    expect(e.kFoldAccuracy).toBeGreaterThanOrEqual(0.85);
    expect(e.kFoldF1).toBeGreaterThanOrEqual(0.85);
    for (const source of ["amazon", "imdb", "yelp"]) expect(e[`crossDomainAccuracy_${source}`]).toBeGreaterThan(0.8);
  });

  it("happy: the sentence encoder puts paraphrases closer than topical non-paraphrases", () => {
    const e = model("sentence-encoder").evaluation ?? {};
    expect(e.tripletAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(e.meanCosineMargin).toBeGreaterThan(0.1);
  });

  it("happy: the detector finds the boats in a real photo; its misses are reported, not hidden", () => {
    const e = model("object-detector").evaluation ?? {};
    expect(e.photo_boat_found).toBe(1);
    expect(e.sanityPhotosFound).toBeGreaterThan(0);
    expect(typeof e.catFramesTop1).toBe("number");
    const labels = JSON.parse(fs.readFileSync(model("object-detector").assetPaths.labels as string, "utf8"));
    expect(labels).toHaveLength(80);
    expect(labels.slice(0, 3)).toEqual(["person", "bicycle", "car"]);
  });

  it("happy: the face detector follows the FACE_DETECTION convention and reports its sanity figures, misses included", () => {
    const m = model("face-detector");
    const info = inspectOnnx(fs.readFileSync(m.modelPath));
    expect(info.inputs).toEqual([{ name: "image", elemType: "float", shape: [1, 256, 256, 3] }]);
    expect(info.outputs).toEqual([{ name: "faces", elemType: "float", shape: [1, "faces", 17] }]);
    const pre = JSON.parse(fs.readFileSync(m.assetPaths.preprocessing as string, "utf8"));
    expect(pre.landmarks).toEqual(["right_eye", "left_eye", "nose", "mouth", "right_ear", "left_ear"]);
    const e = m.evaluation ?? {};
    expect(e.trioPhotoFaces).toBe(3);
    expect(e.peoplePhotosWithFace).toBeGreaterThanOrEqual(0.75);
    expect(e.falseFacesWithoutPeople).toBeLessThanOrEqual(2);
    expect(m.card.intendedUse).toMatch(/never who/);
  });

  it("happy: the selfie segmenter is the npm package's files (checksums) and reports person pixels with and without people", () => {
    const files = selfieSegmenterFiles();
    expect(files.map(sha)).toEqual([
      "8b7f5f95c0159a83a7240b1298a67012cfffd0396bfa653bdf452913610e9a88",
      "8f57aaa72dc068a50bd37c232d2e073e107912241e459002e1480876676f382a",
    ]);
    const m = model("selfie-segmenter");
    const info = inspectOnnx(fs.readFileSync(m.modelPath));
    expect(info.outputs).toEqual([{ name: "probability", elemType: "float", shape: [1, 256, 256, 1] }]);
    const e = m.evaluation ?? {};
    expect(e.personShareWithPeople).toBeGreaterThan(4 * (e.personShareWithoutPeople as number));
    expect(e.peoplePhotosSegmented).toBeGreaterThanOrEqual(0.75);
  });

  it("happy: the recommender beats both baselines on held-out ratings", () => {
    const e = model("food-recommender").evaluation ?? {};
    expect(e.rmse).toBeLessThan(e.rmseItemMean as number);
    expect(e.rmse).toBeLessThan(e.rmseGlobalMean as number);
  });

  it("happy: every model's measured figures are published as described metrics (dataset, unit) with a headline", () => {
    for (const m of models.values()) {
      const { metrics, headline } = zooMetrics(m.name, m.evaluation);
      expect(metrics.length, m.name).toBeGreaterThan(0);
      expect(headline, m.name).not.toBeNull();
      for (const metric of metrics) {
        expect(metric.dataset, `${m.name} ${metric.name}`).toBeTruthy();
        if (metric.unit === "fraction") expect(metric.value).toBeLessThanOrEqual(1);
      }
    }
  });

  it("happy: every model has a card, a free plan and a paid plan", () => {
    for (const m of models.values()) {
      expect(m.card.license, m.name).toBeTruthy();
      expect(m.card.source, m.name).toBeTruthy();
      expect(m.plans.map((p) => p.monthlyFeeCents === 0)).toEqual([true, false]);
    }
  });

  it("happy: builds are cached by content and deterministic (a fresh build gives the same bytes)", async () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "zoo-fresh-"));
    for (const name of ["sentence-encoder", "object-detector", "food-recommender"]) {
      const entry = ZOO.find((e) => e.name === name);
      if (!entry) throw new Error(name);
      expect((await buildCached(entry, outDir)).cached, name).toBe(true);
      const rebuilt = await buildCached(entry, fresh);
      expect(rebuilt.cached).toBe(false);
      expect(sha(rebuilt.modelPath), name).toBe(sha(model(name).modelPath));
    }
  }, 120_000);

  it("happy: sotu-gpt is an Optimum-named decoder; the platform measures its held-out perplexity far below chance", () => {
    const m = model("sotu-gpt");
    const info = inspectOnnx(fs.readFileSync(m.modelPath));
    expect(info.inputs.map((i) => i.name)).toEqual([
      "input_ids",
      "attention_mask",
      "position_ids",
      ...[0, 1, 2].flatMap((l) => [`past_key_values.${l}.key`, `past_key_values.${l}.value`]),
    ]);
    expect(info.outputs.map((o) => o.name)).toEqual([
      "logits",
      ...[0, 1, 2].flatMap((l) => [`present.${l}.key`, `present.${l}.value`]),
    ]);
    const perplexity = m.evaluation?.heldOutPerplexity as number;
    // 96 byte tokens: guessing uniformly is perplexity 96; a model that learned English is far below.
    expect(perplexity).toBeGreaterThan(1);
    expect(perplexity).toBeLessThan(12);
    expect(m.evaluation?.heldOutTokens).toBeGreaterThan(400_000);
    expect(zooMetrics("sotu-gpt", m.evaluation).headline).toBe("perplexity");
  });

  it("happy: sotu-gpt's tokenizer.json encodes text exactly as the training script did", () => {
    const tokenizer = generationTokenizer(
      fs.readFileSync(model("sotu-gpt").assetPaths.tokenizer as string, "utf8"),
      fs.readFileSync(model("sotu-gpt").assetPaths.tokenizer_config as string, "utf8"),
    );
    const text = fs
      .readFileSync(heldOutAddresses()[0]?.file as string, "utf8")
      .slice(0, 3000)
      .replace(/\s+/g, " ");
    expect(tokenizer.encode(text)).toEqual(encodeSotu(text));
    expect(tokenizer.decode(encodeSotu(text))).toBe(text.replace(/[^\x20-\x7e]/g, ""));
  });
});
