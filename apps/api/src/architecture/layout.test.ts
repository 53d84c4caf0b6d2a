// The layout of apps/api/src, kept by a test rather than by habit (CONTRIBUTING.md):
// - use-cases/<area>/<operation>.ts are entry points, one operation each; helpers live in
//   use-cases/<area>/support/ (or use-cases/support/ when several areas share them), and
//   infrastructure classes (caches, rate limiters, clients) in infra/;
// - resolvers, HTTP routes, CLIs and the process entry import entry points only (types from
//   support modules are fine); a task's resolver (tasks/<task>/<operation>.resolver.ts) imports
//   its operation and GraphQL types (tasks/support/*.type.ts), not the task's helpers;
// - every task folder holds one <task>.task.ts (its module), its operation and its resolver.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(__dirname, "..");
const USE_CASES = path.join(SRC, "use-cases");
const TASKS_DIR = path.join(SRC, "tasks");

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : full.endsWith(".ts") && !full.endsWith(".test.ts") ? [full] : [];
  });
}

const relative = (file: string) => path.relative(SRC, file);

describe("layout", () => {
  it("security: resolvers, routes, CLIs and the entry point import use-case entry points only", () => {
    const callers = [
      ...walk(path.join(SRC, "graphql")),
      ...walk(path.join(SRC, "http")),
      ...walk(path.join(SRC, "cli")),
      ...walk(path.join(SRC, "tasks")).filter((f) => f.endsWith(".resolver.ts")),
      path.join(SRC, "main.ts"),
      path.join(SRC, "app.ts"),
    ];
    const offenders: string[] = [];
    for (const file of callers) {
      const text = fs.readFileSync(file, "utf8");
      for (const match of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"([^"]+)";/gms)) {
        const [, typeOnly, spec] = match;
        if (!spec?.startsWith(".") || typeOnly) continue;
        const target = path.resolve(path.dirname(file), spec);
        const helper = target.split(path.sep).includes("support") && !target.endsWith(".type");
        if ((target.startsWith(USE_CASES) || target.startsWith(TASKS_DIR)) && helper) {
          offenders.push(`${relative(file)} imports ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it("happy: every file directly in a use-case area is an operation (exports a function), and none is a class", () => {
    const problems: string[] = [];
    for (const area of fs.readdirSync(USE_CASES, { withFileTypes: true })) {
      if (!area.isDirectory() || area.name === "support") continue;
      for (const file of walk(path.join(USE_CASES, area.name))) {
        if (file.split(path.sep).includes("support")) continue;
        const text = fs.readFileSync(file, "utf8");
        if (/^export class /m.test(text)) problems.push(`${relative(file)} exports a class (belongs in infra/)`);
        if (!/^export (async )?function /m.test(text)) problems.push(`${relative(file)} exports no operation`);
      }
    }
    const loose = fs.readdirSync(USE_CASES).filter((name) => name.endsWith(".ts"));
    for (const name of loose) problems.push(`use-cases/${name} is not in an area folder`);
    expect(problems).toEqual([]);
  });

  it("happy: every task folder holds its module, an operation and the operation's resolver", () => {
    const problems: string[] = [];
    for (const entry of fs.readdirSync(TASKS_DIR, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === "support") continue;
      const files = fs.readdirSync(path.join(TASKS_DIR, entry.name));
      if (!files.includes(`${entry.name}.task.ts`)) problems.push(`tasks/${entry.name} has no ${entry.name}.task.ts`);
      const resolvers = files.filter((f) => f.endsWith(".resolver.ts"));
      if (resolvers.length !== 1) problems.push(`tasks/${entry.name} has ${resolvers.length} resolvers, not 1`);
      for (const resolver of resolvers) {
        const operation = resolver.replace(".resolver.ts", ".ts");
        if (!files.includes(operation)) problems.push(`tasks/${entry.name}/${resolver} has no ${operation}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
