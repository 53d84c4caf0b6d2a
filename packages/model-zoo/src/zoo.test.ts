import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inspectOnnx } from "@modelmarket/onnx";
import { describe, expect, it } from "vitest";
import { zooModels } from "./index";

describe("model zoo", () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "zoo-"));

  it("happy: math-symbols is Detypify's real exported model, with one label per output", async () => {
    const model = (await zooModels(outDir)).find((m) => m.name === "math-symbols");
    expect(model).toBeDefined();
    const info = inspectOnnx(fs.readFileSync(model?.modelPath as string));
    expect(info.inputs).toEqual([{ name: "x", elemType: "float", shape: [1, 1, 224, 224] }]);
    expect(info.outputs[0]?.shape).toEqual([1, 411]);
    expect(info.producer).toMatch(/pytorch/);
    const labels = JSON.parse(fs.readFileSync(model?.assetPaths.labels as string, "utf8")) as string[];
    expect(labels).toHaveLength(411);
    expect(labels).toContain("α alpha");
  });

  it("happy: math-symbols recognises sketched symbols it never saw (sanity set floors)", async () => {
    const model = (await zooModels(outDir)).find((m) => m.name === "math-symbols");
    expect(model?.evaluation?.sanityDrawings).toBe(72);
    expect(model?.evaluation?.sanityTop1).toBeGreaterThanOrEqual(0.9);
    expect(model?.evaluation?.sanityTop5).toBeGreaterThanOrEqual(0.95);
  });

  it("happy: every model has a card, a free plan and a paid plan", async () => {
    for (const model of await zooModels(outDir)) {
      expect(model.card.license, model.name).toBeTruthy();
      expect(model.card.source, model.name).toBeTruthy();
      expect(model.plans.map((p) => p.monthlyFeeCents === 0)).toEqual([true, false]);
    }
  });
});
