import { execFileSync } from "node:child_process";

/** The ```sh blocks of a README between two headings, in order. */
export function shellBlocks(readme: string, from: string, to: string): string[] {
  const start = readme.indexOf(from);
  const end = readme.indexOf(to, start + from.length);
  if (start < 0 || end < 0) throw new Error(`README has no section from "${from}" to "${to}"`);
  return [...readme.slice(start, end).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

/** Every JSON value printed one after another (curl prints bodies without separators). */
export function concatenatedJson(text: string): Record<string, any>[] {
  const values: Record<string, any>[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{") {
      if (depth === 0) start = i;
      depth++;
    } else if (c === "}") {
      depth--;
      if (depth === 0 && start >= 0) values.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return values;
}

/** Runs a block in bash (errors stop it: `set -e`), with `env`, in `cwd`; returns what it printed. */
export function runShell(block: string, env: Record<string, string>, cwd: string): string {
  return execFileSync("bash", ["-e", "-c", block], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
}
