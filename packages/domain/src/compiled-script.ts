import fs from "node:fs";

/**
 * The compiled script a child process runs (a tier worker, the upload sandbox). Child processes
 * always run `dist/`; when the caller itself runs from TypeScript sources (vitest), a `dist/`
 * file older than its source would silently test old code, so that is an error naming the fix.
 */
export function compiledScript(compiled: string, source: string, callerFile: string): string {
  if (!callerFile.endsWith(".ts")) return compiled;
  const built = fs.statSync(compiled, { throwIfNoEntry: false });
  const edited = fs.statSync(source, { throwIfNoEntry: false });
  if (!built) throw new Error(`${compiled} is missing: run \`npx tsc -b\` before this test.`);
  if (edited && edited.mtimeMs > built.mtimeMs) {
    throw new Error(`${compiled} is older than ${source}: run \`npx tsc -b\` so the child runs the current code.`);
  }
  return compiled;
}
