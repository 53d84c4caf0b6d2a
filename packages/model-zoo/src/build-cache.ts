import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import lockfile from "proper-lockfile";
import type { ZooModel } from "./zoo-model";

/** A shipped model: how to build it, and the files its build reads. */
export interface ZooEntry {
  name: string;
  /** Weight, vocabulary and data files the build reads (their bytes are part of the cache key). */
  inputs(): string[];
  build(outDir: string): ZooModel | Promise<ZooModel>;
}

interface BuildRecord {
  key: string;
  model: ZooModel;
}

/**
 * Builds a zoo model unless the same inputs were already built: the cache key is the SHA-256
 * of the model's input files and of this package's code, so a new weight file, data set or
 * converter change rebuilds, and anything else reuses `<outDir>/<name>/build.json`.
 */
export async function buildCached(entry: ZooEntry, outDir: string): Promise<ZooModel & { cached: boolean }> {
  // One builder per model directory at a time (npm start and a test run may race).
  const dir = path.join(outDir, entry.name);
  fs.mkdirSync(dir, { recursive: true });
  const release = await lockfile.lock(dir, {
    lockfilePath: `${dir}.lock`,
    stale: 120_000,
    retries: { retries: 600, minTimeout: 200, maxTimeout: 500 },
  });
  try {
    return await buildUnlocked(entry, outDir);
  } finally {
    await release();
  }
}

async function buildUnlocked(entry: ZooEntry, outDir: string): Promise<ZooModel & { cached: boolean }> {
  const recordPath = path.join(outDir, entry.name, "build.json");
  const key = cacheKey(entry);
  try {
    const record = JSON.parse(fs.readFileSync(recordPath, "utf8")) as BuildRecord;
    const files = [record.model.modelPath, ...Object.values(record.model.assetPaths)];
    if (record.key === key && files.every((f) => fs.existsSync(f))) return { ...record.model, cached: true };
  } catch {}
  const model = await entry.build(outDir);
  fs.mkdirSync(path.dirname(recordPath), { recursive: true });
  const tmp = `${recordPath}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ key, model } satisfies BuildRecord, null, 2)}\n`);
  fs.renameSync(tmp, recordPath);
  return { ...model, cached: false };
}

let codeHash: string | undefined;

function cacheKey(entry: ZooEntry): string {
  const hash = crypto.createHash("sha256");
  codeHash ??= hashCode(__dirname);
  hash.update(codeHash);
  for (const file of entry.inputs()) {
    hash.update(path.basename(file));
    hash.update(fs.readFileSync(file));
  }
  return hash.digest("hex");
}

function hashCode(dir: string): string {
  const hash = crypto.createHash("sha256");
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const full = path.join(d, name);
      if (fs.statSync(full).isDirectory()) walk(full);
      else if (/\.(js|ts)$/.test(name) && !/\.(test|d)\.ts$|\.test\.js$/.test(name)) {
        hash.update(name);
        hash.update(fs.readFileSync(full));
      }
    }
  };
  walk(dir);
  return hash.digest("hex");
}
