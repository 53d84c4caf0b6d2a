import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..", "..");

describe("migrations", () => {
  it("happy: the committed migrations produce exactly prisma/schema.prisma (no missing migration)", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-diff-"));
    try {
      const result = spawnSync(
        process.execPath,
        [
          path.join(root, "node_modules", "prisma", "build", "index.js"),
          "migrate",
          "diff",
          "--from-migrations",
          "prisma/migrations",
          "--to-schema-datamodel",
          "prisma/schema.prisma",
          "--script",
          "--exit-code",
        ],
        // Embedded database: the schema engine replays the migrations into an in-memory shadow.
        { cwd: root, env: { ...process.env, DATABASE_URL: "", DATA_DIR: dataDir }, encoding: "utf8", timeout: 90_000 },
      );
      // --exit-code: 0 = no difference, 2 = the schema has changes no migration contains.
      expect(result.stdout + result.stderr).toContain("empty migration");
      expect(result.status).toBe(0);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
