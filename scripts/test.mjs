#!/usr/bin/env node
// `npm test`: lint, type-check, build, then every test project. Integration tests run on
// embedded PGlite and on PostgreSQL (TEST_POSTGRES_URL, default the local server); without
// a reachable server the PostgreSQL run is skipped locally, and fails the run under CI.
import { spawnSync } from "node:child_process";
import net from "node:net";

const ci = process.env.CI === "true" || process.env.CI === "1";
const pgUrl = new URL(process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");

/** Runs one step; a failing step before the tests still ends with a summary line CI can read. */
function step(name, command, args, { summarise = true } = {}) {
  process.stdout.write(`\n== ${name}\n`);
  const result = spawnSync(command, args, { stdio: "inherit", env: process.env });
  if (result.status !== 0) {
    process.stdout.write(`\n${name} failed\n${summarise ? "0 passed, 1 failed\n" : ""}`);
    process.exit(result.status ?? 1);
  }
}

function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port), timeout: 2000 });
    socket.once("connect", () => resolve(socket.end() && true));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => resolve(socket.destroy() && false));
  });
}

step("lint (biome)", "npx", ["biome", "check", "."]);
step("build", "npx", ["tsc", "-b"]);
step("type-check tests", "npx", ["tsc", "-p", "tsconfig.test.json"]);

const projects = ["unit", "api-pglite", "inference", "black-box"];
if (await reachable(pgUrl.hostname, pgUrl.port || 5432)) {
  projects.push("api-postgres");
} else if (ci) {
  process.stdout.write(`PostgreSQL is not reachable at ${pgUrl.host}; CI must start it.\n0 passed, 1 failed\n`);
  process.exit(1);
} else {
  process.stdout.write(`\n!! PostgreSQL is not reachable at ${pgUrl.host}: the api-postgres tests are NOT run.\n`);
}
// vitest's own reporter prints the closing "N passed, N failed" line.
step("tests (vitest)", "npx", ["vitest", "run", ...projects.flatMap((p) => ["--project", p])], { summarise: false });
