import { describe, expect, it } from "vitest";
import { GroupCommit } from "./group-commit";

/** A committer whose writes are recorded (each batch's items) and take `writeMs`. */
function recorder(options: { maxDelayMs?: number; writeMs?: number } = {}) {
  const batches: number[][] = [];
  const commits = new GroupCommit<number, string>(
    async (items) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, options.writeMs ?? 0));
      return items.map((i) => `written ${i}`);
    },
    { maxDelayMs: options.maxDelayMs ?? 0, maxBatch: 100 },
  );
  return { batches, commits };
}

describe("group commit", () => {
  it("happy: a lone item is written, with its own result", async () => {
    const { batches, commits } = recorder();
    expect(await commits.submit(1)).toBe("written 1");
    expect(batches).toEqual([[1]]);
  });

  it("happy: items arriving during a write share the next one, each with its own result", async () => {
    const { batches, commits } = recorder({ writeMs: 20 });
    const results = await Promise.all([1, 2, 3, 4].map((i) => commits.submit(i)));
    expect(results).toEqual(["written 1", "written 2", "written 3", "written 4"]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("happy: with maxDelayMs the first item waits for company and they share one write", async () => {
    const { batches, commits } = recorder({ maxDelayMs: 20 });
    expect(await Promise.all([1, 2, 3].map((i) => commits.submit(i)))).toEqual(["written 1", "written 2", "written 3"]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("error: a failed write rejects every item of its batch, and the next batch is written", async () => {
    let fail = true;
    const commits = new GroupCommit<number, number>(
      async (items) => {
        if (fail) throw new Error("disk full");
        return items;
      },
      { maxDelayMs: 0, maxBatch: 100 },
    );
    await expect(commits.submit(1)).rejects.toThrow("disk full");
    fail = false;
    expect(await commits.submit(2)).toBe(2);
  });
});
