// End-to-end tests of the portal in Debian's Chromium (apt-get install -y chromium), against
// the whole product started by scripts/start.mjs on a fresh embedded database with demo data.
// E2E_BASE_URL + E2E_API_URL point the tests at an already running product instead.
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

const webPort = Number(process.env.E2E_WEB_PORT ?? 3300);
const apiPort = Number(process.env.E2E_API_PORT ?? 4300);
const external = Boolean(process.env.E2E_BASE_URL);
const baseURL = process.env.E2E_BASE_URL ?? `http://127.0.0.1:${webPort}`;
process.env.E2E_API_URL ??= `http://127.0.0.1:${apiPort}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/artifacts",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: [["list"], ["./e2e/summary-reporter.ts"]],
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: external
    ? undefined
    : {
        command: `node ${path.join("..", "..", "scripts", "start.mjs")}`,
        url: `${baseURL}/icon.svg`,
        timeout: 300_000,
        reuseExistingServer: false,
        stdout: "ignore",
        stderr: "pipe",
        env: {
          DATA_DIR: path.join(os.tmpdir(), `modelmarket-e2e-${Date.now()}`),
          PORT: String(apiPort),
          INFERENCE_PORT: String(apiPort + 1),
          WEB_PORT: String(webPort),
          NEXTAUTH_URL: baseURL,
          LOG_LEVEL: "warn",
          // Several sign-ups come from one address in a few seconds.
          SIGNUP_MAX_PER_IP_PER_HOUR: "1000",
          SIGNIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE: "1000",
        },
      },
});
