import fs from "node:fs";
import path from "node:path";
import { packageDir } from "../package-dir";

/**
 * The 80 COCO class names in the detector's class-index order, read from the labels module
 * that ships with the weights (`@vladmandic/human/src/object/labels.ts`, entries
 * `{ class: n, label: '…' }` with class = index + 1).
 */
export function cocoLabels(): string[] {
  const file = path.join(packageDir("@vladmandic/human"), "src", "object", "labels.ts");
  const entries = [...fs.readFileSync(file, "utf8").matchAll(/class:\s*(\d+),\s*label:\s*'([^']+)'/g)];
  const labels = entries.map((m) => m[2] as string);
  entries.forEach((m, i) => {
    if (Number(m[1]) !== i + 1) throw new Error(`COCO labels out of order at ${m[1]}`);
  });
  if (labels.length !== 80) throw new Error(`expected 80 COCO labels, found ${labels.length}`);
  return labels;
}
