// CONTRIBUTING.md's import rules for apps/api/src, kept by a test rather than by habit:
// - the folders depend on each other in one direction (no circle): the areas of use-cases/
//   count as folders of their own, tasks/ and metering/ are below the use cases that need
//   them, and the files at the root (app.ts, services.ts, schema.ts…) assemble everything;
// - a support module serves its own area: it imports no other area's files (use-cases/support
//   is shared) and no operation file;
// - a task's folder imports no other task's folder (what several tasks share is in tasks/support);
// - state that lives as long as the process (caches, batches in flight) in use cases, tasks,
//   metering and auth is a service on AppServices, not a module global, so two API instances
//   in one process never share it (constants in UPPER_CASE are not state);
// - other workspaces are imported by package name (@modelmarket/…), never by a path into them.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(__dirname, "..");

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : full.endsWith(".ts") && !full.endsWith(".test.ts") ? [full] : [];
  });
}

interface Import {
  from: string;
  to: string;
  spec: string;
  typeOnly: boolean;
}

/** Every relative import of every source file, resolved to a file. */
function imports(): Import[] {
  return walk(SRC).flatMap((file) => {
    const text = fs.readFileSync(file, "utf8");
    return [...text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)";/gms)].flatMap(([, type, spec]) => {
      if (!spec?.startsWith(".")) return [];
      const target = path.resolve(path.dirname(file), spec);
      const to = fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, "index.ts");
      return [{ from: file, to, spec, typeOnly: Boolean(type) }];
    });
  });
}

const rel = (file: string) => path.relative(SRC, file).split(path.sep);

/** The folder a file belongs to for the direction rule; null for the composition root. */
function folderOf(file: string): string | null {
  const parts = rel(file);
  if (parts.length === 1) return null;
  if (parts[0] === "use-cases") return `use-cases/${parts[1]}`;
  // Resolvers sit above the use cases; the rest of graphql/ (access, plugins, scalars) below.
  if (parts[0] === "graphql" && parts[1] === "resolvers") return "graphql/resolvers";
  return parts[0] as string;
}

const isSupport = (file: string) => rel(file).includes("support");
/** An operation: a use case (use-cases/<area>/<op>.ts) or a task's operation (tasks/<task>/<op>.ts). */
function isOperation(file: string): boolean {
  const parts = rel(file);
  if (parts.length !== 3 || parts[1] === "support") return false;
  if (parts[0] === "use-cases") return true;
  return parts[0] === "tasks" && !/\.(task|resolver)\.ts$/.test(parts[2] as string);
}

/** A circle in a directed graph, as its nodes in order, or null. */
function findCycle(edges: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, "open");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "open") return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of edges.keys()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return null;
}

describe("import rules (CONTRIBUTING.md)", () => {
  const all = imports();

  it("security: the folders depend on each other in one direction (no circle)", () => {
    const edges = new Map<string, Set<string>>();
    const why = new Map<string, string>();
    for (const i of all) {
      const a = folderOf(i.from);
      const b = folderOf(i.to);
      if (!a || !b || a === b) continue;
      if (!edges.has(a)) edges.set(a, new Set());
      edges.get(a)?.add(b);
      why.set(`${a} → ${b}`, `${rel(i.from).join("/")} imports ${i.spec}`);
    }
    const cycle = findCycle(edges);
    const explained = cycle?.slice(1).map((b, k) => why.get(`${cycle[k]} → ${b}`));
    expect(explained ?? []).toEqual([]);
  });

  it("security: a support module imports no other area's files and no operation", () => {
    const offenders = all
      .filter((i) => isSupport(i.from) && !i.typeOnly)
      .filter((i) => {
        const from = rel(i.from);
        const to = rel(i.to);
        if (isOperation(i.to)) return true;
        const area = (parts: string[]) => (parts[0] === "use-cases" ? `use-cases/${parts[1]}` : parts[0]);
        const shared = to[0] === "use-cases" && to[1] === "support";
        // Another use-case area's files (a support module of use-cases/x may use tasks/, infra/…).
        return to[0] === "use-cases" && !shared && area(to) !== area(from);
      })
      .map((i) => `${rel(i.from).join("/")} imports ${i.spec}`);
    expect(offenders).toEqual([]);
  });

  it("security: a task's folder imports no other task's folder", () => {
    const taskFolder = (file: string) => {
      const parts = rel(file);
      return parts[0] === "tasks" && parts.length === 3 && parts[1] !== "support" ? parts[1] : null;
    };
    const offenders = all
      .filter((i) => taskFolder(i.from) && taskFolder(i.to) && taskFolder(i.from) !== taskFolder(i.to))
      .map((i) => `${rel(i.from).join("/")} imports ${i.spec}`);
    expect(offenders).toEqual([]);
  });

  it("security: caches and batches in flight are services, not module globals", () => {
    const offenders: string[] = [];
    for (const file of walk(SRC)) {
      const parts = rel(file);
      if (!["use-cases", "tasks", "metering", "auth"].includes(parts[0] as string)) continue;
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(
        /^(?:export )?(?:const|let) ([a-z]\w*)[^=\n]*= new (LRUCache|Map|WeakMap|Set)\b/gm,
      )) {
        offenders.push(`${parts.join("/")}: ${m[1]} (new ${m[2]})`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("security: tests and sources import other workspaces by package name, not by path", () => {
    const repo = path.resolve(SRC, "../../..");
    const roots = ["apps", "packages", "tests", "infra"].map((d) => path.join(repo, d));
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        if (["node_modules", "dist", ".next", "generated"].includes(entry.name)) return [];
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? files(full) : /\.(ts|tsx|mts|mjs)$/.test(entry.name) ? [full] : [];
      });
    const offenders = roots
      .filter((root) => fs.existsSync(root))
      .flatMap(files)
      .flatMap((file) =>
        [...fs.readFileSync(file, "utf8").matchAll(/from "((?:\.\.\/)+(?:packages|apps)\/[^"]+)"/g)].map(
          (m) => `${path.relative(repo, file)} imports ${m[1]}`,
        ),
      );
    expect(offenders).toEqual([]);
  });
});
