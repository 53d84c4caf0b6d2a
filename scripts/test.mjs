#!/usr/bin/env node
// `npm test`: lint, type-check, build, then every test project. Integration tests run on
// embedded PGlite and on PostgreSQL (TEST_POSTGRES_URL, default the local server); without
// a reachable server the PostgreSQL run is skipped locally, and fails the run under CI.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
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
// The portal's production build (type-checks it too); npm start and the tests reuse it.
step("build portal (next build)", "npx", ["next", "build", "apps/web"]);

const projects = ["unit", "api-pglite", "inference", "black-box"];
if (await reachable(pgUrl.hostname, pgUrl.port || 5432)) {
  projects.push("api-postgres");
} else if (ci) {
  process.stdout.write(`PostgreSQL is not reachable at ${pgUrl.host}; CI must start it.\n0 passed, 1 failed\n`);
  process.exit(1);
} else {
  process.stdout.write(`\n!! PostgreSQL is not reachable at ${pgUrl.host}: the api-postgres tests are NOT run.\n`);
}
// Each runner's reporter prints its own "N passed, N failed" line and leaves its counts in
// summaryDir; the last line of the run adds them up.
const summaryDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-test-summary-"));
process.env.MM_TEST_SUMMARY_DIR = summaryDir;
process.stdout.write("\n== tests (vitest)\n");
const vitest = spawnSync("npx", ["vitest", "run", ...projects.flatMap((p) => ["--project", p])], {
  stdio: "inherit",
  env: process.env,
});

// The portal, end to end in Chromium, against the whole product on a fresh embedded database.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
let e2e = { status: 0 };
if (fs.existsSync(chromium)) {
  process.stdout.write("\n== portal end-to-end (playwright, chromium)\n");
  e2e = spawnSync("npx", ["playwright", "test"], {
    cwd: path.join(root, "apps", "web"),
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
} else if (ci) {
  process.stdout.write(`Chromium is not installed at ${chromium}; CI must install it (apt-get install -y chromium).\n`);
  e2e = { status: 1 };
  fs.writeFileSync(path.join(summaryDir, "playwright.json"), JSON.stringify({ passed: 0, failed: 1 }));
} else {
  process.stdout.write(`\n!! Chromium is not installed at ${chromium}: the portal's end-to-end tests are NOT run.\n`);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const runner of ["vitest", "playwright"]) {
  const file = path.join(summaryDir, `${runner}.json`);
  if (!fs.existsSync(file)) continue;
  const counts = JSON.parse(fs.readFileSync(file, "utf8"));
  for (const k of Object.keys(totals)) totals[k] += counts[k] ?? 0;
}
// A runner that crashed before reporting is a failure.
if (vitest.status !== 0 && totals.failed === 0) totals.failed = 1;
if (e2e.status !== 0 && totals.failed === 0) totals.failed = 1;
process.stdout.write(
  `\nall tests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}\n`,
);
process.exit(vitest.status !== 0 || e2e.status !== 0 ? 1 : 0);
