// `npm run models:build`: builds every shipped model into DATA_DIR/model-zoo and prints what
// it measured. The API does the same at first start for the models it has not published yet.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { buildCached, ZOO } from "./index";

async function main(): Promise<void> {
  const outDir = path.join(path.resolve(process.env.DATA_DIR ?? "data"), "model-zoo");
  for (const entry of ZOO) {
    const started = process.hrtime.bigint();
    const model = await buildCached(entry, outDir);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const bytes = fs.readFileSync(model.modelPath);
    console.log(
      `${entry.name}: ${model.cached ? "cached" : "built"} in ${ms.toFixed(0)} ms, ${bytes.length} bytes, sha256 ${crypto.createHash("sha256").update(bytes).digest("hex").slice(0, 16)}…`,
    );
    console.log(`  evaluation: ${model.evaluation ? JSON.stringify(model.evaluation) : "none measured yet"}`);
  }
}

void main();
