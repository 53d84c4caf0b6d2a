import { describe, expect, it } from "vitest";
import {
  billedUnits,
  microsToCents,
  microsToCentsDecimal,
  periodEstimate,
  platformFeeCents,
  pricePer1kToMicros,
  unitsAmountMicros,
} from "./money";

describe("money", () => {
  it("happy: cents round half up once, from the exact sum of micros", () => {
    expect(microsToCents(0n)).toBe(0);
    expect(microsToCents(4_999n)).toBe(0);
    expect(microsToCents(5_000n)).toBe(1);
    expect(microsToCents(15_000n)).toBe(2);
    // Three calls of 2,500 micros: one line of 7,500 micros = 1 cent (not 3 × 0).
    expect(microsToCents(unitsAmountMicros(3, 2_500))).toBe(1);
    expect(microsToCentsDecimal(333_333)).toBe("33.3333");
    expect(microsToCentsDecimal(250_000)).toBe("25");
    expect(microsToCentsDecimal(1)).toBe("0.0001");
  });

  it("happy: a call crossing the included units pays only for its part beyond them", () => {
    expect(billedUnits(0, 3, 10)).toBe(0);
    expect(billedUnits(8, 3, 10)).toBe(1);
    expect(billedUnits(12, 3, 10)).toBe(3);
    // Calls one after another bill exactly the overage of the whole period.
    let before = 0;
    let billed = 0;
    for (const units of [4, 4, 4, 4]) {
      billed += billedUnits(before, units, 10);
      before += units;
    }
    expect(billed).toBe(6);
  });

  it("happy: fee on a line, plan prices from a form, and the period estimate match the invoice", () => {
    expect(platformFeeCents(101, 20)).toBe(20);
    expect(platformFeeCents(103, 20)).toBe(21);
    expect(pricePer1kToMicros(0.5)).toBe(500);
    expect(pricePer1kToMicros(2.5)).toBe(2_500);
    expect(periodEstimate({ monthlyFeeCents: 900 }, { billedUnits: 3, amountMicros: 7_500n })).toEqual({
      feeCents: 900,
      overageUnits: 3,
      overageCents: 1,
      totalCents: 901,
    });
  });
});
