import { describe, expect, it } from "vitest";
import { addMonths } from "./billing-period";

describe("addMonths", () => {
  it("happy: same day next month, across a year end", () => {
    expect(addMonths(new Date("2026-11-15T10:00:00Z"), 1).toISOString()).toBe("2026-12-15T10:00:00.000Z");
    expect(addMonths(new Date("2026-12-15T10:00:00Z"), 1).toISOString()).toBe("2027-01-15T10:00:00.000Z");
  });

  it("happy: a day the next month lacks is clamped to its last day", () => {
    expect(addMonths(new Date("2027-01-31T00:00:00Z"), 1).toISOString()).toBe("2027-02-28T00:00:00.000Z");
    expect(addMonths(new Date("2028-01-31T00:00:00Z"), 1).toISOString()).toBe("2028-02-29T00:00:00.000Z");
  });
});
