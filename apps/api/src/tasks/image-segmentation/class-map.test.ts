import { describe, expect, it } from "vitest";
import { classMap, classShares } from "./class-map";

/** Two classes on a 1×2 output: class 1 wins on the right cell, class 0 on the left. */
const scoresNchw = [1, 0, 0, 1];
const scoresNhwc = [1, 0, 0, 1];
const identity = { scaleX: 0.5, scaleY: 0.5, offsetX: 0, offsetY: 0 };

describe("classMap", () => {
  it("happy: scores are interpolated between output cells before the argmax: the boundary falls halfway, in either layout", () => {
    // An 8×2 image fed as a 4×1 input whose output is 2×1: each output cell covers 4 image pixels.
    const image = { width: 8, height: 2, geometry: identity };
    const nchw = classMap({ data: scoresNchw, channels: 2, height: 1, width: 2, layout: "NCHW" }, "scores", image, {
      width: 4,
      height: 1,
    });
    // NHWC [1, 1, 2, 2]: pixel (0,0) scores (1, 0), pixel (0,1) scores (0, 1) — the same picture.
    const nhwc = classMap({ data: scoresNhwc, channels: 2, height: 1, width: 2, layout: "NHWC" }, "scores", image, {
      width: 4,
      height: 1,
    });
    expect([...nchw.slice(0, 8)]).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect([...nhwc]).toEqual([...nchw]);
  });

  it("happy: class ids take the nearest cell; foreground thresholds at 0.5 (probability) or 0 (logit)", () => {
    const image = { width: 4, height: 1, geometry: { scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 0 } };
    const input = { width: 4, height: 1 };
    const ids = classMap(
      { data: [3, 7], channels: 1, height: 1, width: 2, layout: "NCHW" },
      "class-index",
      image,
      input,
    );
    expect([...ids]).toEqual([3, 3, 7, 7]);
    const probability = { data: [0.2, 0.9], channels: 1, height: 1, width: 2, layout: "NCHW" as const };
    expect([...classMap(probability, "foreground-probability", image, input)]).toEqual([0, 0, 1, 1]);
    const logit = { data: [-1, 1], channels: 1, height: 1, width: 2, layout: "NCHW" as const };
    expect([...classMap(logit, "foreground-logit", image, input)]).toEqual([0, 0, 1, 1]);
  });

  it("happy: a letterboxed image maps through its offset (padding rows never reach the mask)", () => {
    // A 4×2 image letterboxed into a 4×4 input at y offset 1: output rows 0 and 3 are padding (class 2).
    const image = { width: 4, height: 2, geometry: { scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 1 } };
    const rows = [2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
    const ids = classMap({ data: rows, channels: 1, height: 4, width: 4, layout: "NCHW" }, "class-index", image, {
      width: 4,
      height: 4,
    });
    expect([...ids]).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(classShares(ids, ["sky", "sea"])).toEqual([
      { label: "sky", classIndex: 0, pixelShare: 0.5 },
      { label: "sea", classIndex: 1, pixelShare: 0.5 },
    ]);
  });
});
