import fs from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { QUEUED_QUERY_WARNING, silenceQueuedQueryWarning } from "./pg-queued-query-warning";

describe("pg's queued-query deprecation warning", () => {
  const seen: string[] = [];
  const onWarning = (warning: Error) => seen.push(warning.message);

  afterEach(() => {
    process.off("warning", onWarning);
    seen.length = 0;
  });

  it("happy: the filter drops only pg's queued-query warning; every other warning still reaches listeners", async () => {
    silenceQueuedQueryWarning();
    silenceQueuedQueryWarning(); // a second install must not stack a second wrapper
    process.on("warning", onWarning);
    process.emitWarning(`${QUEUED_QUERY_WARNING} is deprecated and will be removed in pg@9.0.`, "DeprecationWarning");
    process.emitWarning(new Error(`${QUEUED_QUERY_WARNING} (as an Error)`));
    process.emitWarning("Some other deprecation", "DeprecationWarning", "DEP9999");
    process.emitWarning(new Error("an unrelated warning"));
    // Warnings are delivered on the next tick.
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    expect(seen).toEqual(["Some other deprecation", "an unrelated warning"]);
  });

  it("happy: pg still words the warning the way the filter matches (a reworded one would print at every start)", () => {
    const text = fs.readFileSync(require.resolve("pg/lib/client.js"), "utf8");
    expect(text).toContain(QUEUED_QUERY_WARNING);
  });
});
