import { describe, expect, it } from "vitest";
import { slugify } from "./slugify";

describe("slugify", () => {
  it("happy: lower-case ASCII words joined by dashes", () => {
    expect(slugify("Acme Labs!")).toBe("acme-labs");
    expect(slugify("  Crème Brûlée  Models ")).toBe("creme-brulee-models");
    expect(slugify("GPT-4o / mini")).toBe("gpt-4o-mini");
  });

  it("error: nothing usable gives an empty slug; long names are cut without a trailing dash", () => {
    expect(slugify("!!!")).toBe("");
    expect(slugify("日本語")).toBe("");
    expect(slugify("a ".repeat(50), 10)).toBe("a-a-a-a-a");
  });
});
