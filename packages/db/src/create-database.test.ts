import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "./create-database";

// The embedded database of a running product lives in a thread of its own (pglite-thread.ts).
describe("createDatabase on the embedded PGlite", () => {
  const opened: Database[] = [];
  const dirs: string[] = [];
  const open = async (dataDir: string) => {
    const db = await createDatabase({ kind: "pglite", dataDir });
    opened.push(db);
    return db;
  };
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-db-thread-"));
    dirs.push(dir);
    return path.join(dir, "pglite");
  };
  afterEach(async () => {
    for (const db of opened.splice(0)) await db.close().catch(() => {});
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("happy: Prisma and the plain queries share the one session; what they commit survives a reopen", async () => {
    const dataDir = tempDir();
    const db = await open(dataDir);
    await db.durableQuery("CREATE TABLE counter (n int NOT NULL)", []);
    // A Prisma transaction holds the one connection: the plain statement waits for it and
    // never lands inside it (it sees the committed row, and the rollback below cannot undo it).
    let late: Promise<unknown> = Promise.resolve();
    await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("INSERT INTO counter VALUES (1)");
      late = db.durableQuery("INSERT INTO counter VALUES (2)", []);
      await tx.$executeRawUnsafe("INSERT INTO counter VALUES (3)");
    });
    await late;
    await db.prisma
      .$transaction(async (tx) => {
        await tx.$executeRawUnsafe("INSERT INTO counter VALUES (4)");
        db.asyncCommitQuery("INSERT INTO counter VALUES (5)", []).catch(() => {});
        throw new Error("roll back");
      })
      .catch(() => {});
    expect(await db.durableQuery<{ n: number }>("SELECT n FROM counter ORDER BY n", [])).toEqual(
      [1, 2, 3, 5].map((n) => ({ n })),
    );
    await db.close();
    const again = await open(dataDir);
    expect(await again.prisma.$queryRawUnsafe<{ total: bigint }[]>("SELECT sum(n) AS total FROM counter")).toEqual([
      { total: 11n },
    ]);
  }, 60_000);

  it("happy: a long statement leaves this thread's event loop free", async () => {
    const db = await open(tempDir());
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = performance.now();
    await db.durableQuery("SELECT count(*) FROM generate_series(1, 3000000)", []);
    const ms = performance.now() - started;
    clearInterval(timer);
    // In this thread, PGlite's WebAssembly would hold the loop for the whole statement (no tick).
    expect(ms).toBeGreaterThan(100);
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(ms / 10 / 4));
  }, 60_000);

  it("happy: a data dir too deep for a socket path gets its socket in a private temp dir, removed on close", async () => {
    const deep = path.join(tempDir(), "a".repeat(60), "b".repeat(60));
    const before = fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith("modelmarket-pglite-"));
    const db = await open(path.join(deep, "pglite"));
    expect(await db.durableQuery("SELECT 1 AS one", [])).toEqual([{ one: 1 }]);
    const during = fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith("modelmarket-pglite-"));
    const mine = during.filter((name) => !before.includes(name));
    expect(mine).toHaveLength(1);
    expect(fs.statSync(path.join(os.tmpdir(), mine[0] as string)).mode & 0o077).toBe(0);
    await db.close();
    expect(fs.existsSync(path.join(os.tmpdir(), mine[0] as string))).toBe(false);
  }, 60_000);

  it("error: a second process (or opener) of the same data dir is refused with what to do", async () => {
    const dataDir = tempDir();
    await open(dataDir);
    await expect(createDatabase({ kind: "pglite", dataDir })).rejects.toThrow(/in use by another process/);
  }, 60_000);
});
