import { describe, expect, it } from "vitest";
import { formatServerTiming, parseServerTiming } from "./server-timing";

describe("Server-Timing header", () => {
  it("happy: phases survive format → parse, to two decimals", () => {
    const header = formatServerTiming([
      ["queue", 0.123],
      ["compute", 2.5],
    ]);
    expect(header).toBe("queue;dur=0.12, compute;dur=2.50");
    expect(parseServerTiming(header)).toEqual([
      ["queue", 0.12],
      ["compute", 2.5],
    ]);
  });

  it("error: entries without a duration, odd names or junk are skipped, never thrown", () => {
    expect(parseServerTiming('cache;desc="hit", db;dur=5.1;desc=x, bad name;dur=1, x;dur=abc, ;dur=2')).toEqual([
      ["db", 5.1],
    ]);
    expect(parseServerTiming(undefined)).toEqual([]);
    expect(parseServerTiming(["a;dur=1", "b;dur=2"])).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
  });
});
