import { describe, expect, it } from "vitest";
import { GroupCommit } from "./group-commit";

/** A committer whose writes are recorded (each batch's items) and take `writeMs`. */
function recorder(options: { maxDelayMs?: number; burstDelayMs?: number; writeMs?: number } = {}) {
  const batches: number[][] = [];
  const commits = new GroupCommit<number, string>(
    async (items) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, options.writeMs ?? 0));
      return items.map((i) => `written ${i}`);
    },
    { maxDelayMs: options.maxDelayMs ?? 0, burstDelayMs: options.burstDelayMs, maxBatch: 100 },
  );
  return { batches, commits };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("group commit", () => {
  it("happy: a lone item is written at once, and each item gets its own result", async () => {
    // A minute's burst wait: the test would time out if a lone item waited for company.
    const { batches, commits } = recorder({ burstDelayMs: 60_000 });
    expect(await commits.submit(1)).toBe("written 1");
    expect(batches).toEqual([[1]]);
  });

  it("happy: items arriving during a write share the next one", async () => {
    const { batches, commits } = recorder({ writeMs: 20 });
    const results = await Promise.all([1, 2, 3, 4].map((i) => commits.submit(i)));
    expect(results).toEqual(["written 1", "written 2", "written 3", "written 4"]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("happy: a burst's later items wait for each other and share one write, a pause ends the burst", async () => {
    const { batches, commits } = recorder({ burstDelayMs: 200 });
    const first = commits.submit(1); // alone so far: written at once
    await sleep(5);
    const burst = [2, 3, 4].map((i) => commits.submit(i)); // within the burst: they wait together
    expect(await Promise.all([first, ...burst])).toEqual(["written 1", "written 2", "written 3", "written 4"]);
    await sleep(1_000);
    await commits.submit(5); // after a pause: at once, alone
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it("happy: an urgent item never waits for a burst and takes the gathering items with it", async () => {
    // A minute's burst wait: the test would time out if the urgent item waited for it.
    const { batches, commits } = recorder({ burstDelayMs: 60_000 });
    await commits.submit(1);
    const waiting = commits.submit(2); // in a burst: would wait up to a minute
    expect(await commits.submit(3, true)).toBe("written 3");
    expect(await waiting).toBe("written 2");
    expect(batches).toEqual([[1], [2, 3]]);
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
