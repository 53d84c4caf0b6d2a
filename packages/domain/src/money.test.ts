import { describe, expect, it } from "vitest";
import {
  billedTokens,
  billedUnits,
  formatPricePerMillion,
  microsToCents,
  microsToCentsDecimal,
  overageLines,
  periodEstimate,
  perMillionMicrosToCentsDecimal,
  platformFeeCents,
  pricePer1kToMicros,
  pricePerMillionToMicros,
  settleTokens,
  tokensAmountCents,
  tokensAmountMicros,
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
    const unitPlan = {
      monthlyFeeCents: 900,
      unitPriceMicros: 2_500,
      currency: "usd",
      inputPricePerMillionMicros: null,
      outputPricePerMillionMicros: null,
    };
    expect(periodEstimate(unitPlan, { billedUnits: 3, billedOutputUnits: 0, amountMicros: 7_500n })).toEqual({
      feeCents: 900,
      overageUnits: 3,
      overageInputTokens: null,
      overageOutputTokens: null,
      overageCents: 1,
      totalCents: 901,
    });
  });
});

describe("token prices", () => {
  const plan = {
    monthlyFeeCents: 500,
    unitPriceMicros: 0,
    currency: "usd",
    inputPricePerMillionMicros: 150_000, // $0.15 per million prompt tokens
    outputPricePerMillionMicros: 600_000, // $0.60 per million generated tokens
  };

  it("happy: a call's billed tokens are its last ones, generated first; settling gives back the unused generated tokens", () => {
    expect(billedTokens(7, 5)).toEqual({ input: 2, output: 5 });
    expect(billedTokens(3, 5)).toEqual({ input: 0, output: 3 });
    // Reserved 10 prompt + 20 generated, 25 of them beyond the included ones (5 prompt, 20 generated); used 8 generated.
    expect(settleTokens({ input: 10, output: 20 }, { input: 5, output: 20 }, { input: 10, output: 8 })).toEqual({
      billed: { input: 5, output: 8 },
      giveBack: { units: 12, input: 0, output: 12 },
    });
    // Reserved 4 + 6, only the last 3 beyond; used 1 generated: 9 unused → nothing billed, 3 given back.
    expect(settleTokens({ input: 4, output: 6 }, { input: 0, output: 3 }, { input: 4, output: 1 })).toEqual({
      billed: { input: 0, output: 0 },
      giveBack: { units: 5, input: 0, output: 3 },
    });
  });

  it("happy: invoice lines price each token sum per million, rounded once; the estimate is their sum; a call's amount is rounded to the micro", () => {
    // 12,345,678 input tokens × $0.15/M = $1.8518517 → 185 cents; 3,333,333 output × $0.60/M = $1.9999998 → 200 cents.
    const usage = { billedUnits: 12_345_678 + 3_333_333, billedOutputUnits: 3_333_333, amountMicros: 0n };
    expect(overageLines(plan, usage)).toEqual([
      { what: "input tokens", quantity: 12_345_678, amountCents: 185, price: "$0.15 per million" },
      { what: "output tokens", quantity: 3_333_333, amountCents: 200, price: "$0.60 per million" },
    ]);
    expect(periodEstimate(plan, usage)).toMatchObject({
      overageInputTokens: 12_345_678,
      overageOutputTokens: 3_333_333,
      overageCents: 385,
      totalCents: 885,
    });
    expect(tokensAmountCents(3_333_333, 1_500_000)).toBe(500); // 499.99995 cents, half up
    expect(tokensAmountCents(3_333_333, 1_499_999)).toBe(500); // 499.9998 cents
    expect(tokensAmountCents(1, 49_999)).toBe(0);
    expect(tokensAmountMicros({ input: 7, output: 1 }, plan)).toBe(2n); // 1.05 + 0.6 = 1.65 micros → 2
    expect(perMillionMicrosToCentsDecimal(150_000)).toBe("0.000015");
    expect(perMillionMicrosToCentsDecimal(2_500_000_000)).toBe("0.25");
    expect(pricePerMillionToMicros(0.15)).toBe(150_000);
    expect(formatPricePerMillion(1_500_000, "eur")).toBe("€1.50");
  });
});
