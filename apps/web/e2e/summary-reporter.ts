import fs from "node:fs";
import path from "node:path";
import type { FullResult, Reporter, TestCase, TestResult } from "@playwright/test/reporter";

/** Prints the `N passed, N failed` line CI reads, and leaves the counts for scripts/test.mjs. */
export default class SummaryReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private skipped = 0;

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.retry < test.retries && result.status !== "passed") return;
    if (result.status === "passed") this.passed++;
    else if (result.status === "skipped") this.skipped++;
    else this.failed++;
  }

  onEnd(result: FullResult): void {
    // A run that broke before any test (the server did not start) is a failure too.
    if (result.status !== "passed" && this.failed === 0) this.failed = 1;
    process.stdout.write(
      `\n${this.passed} passed, ${this.failed} failed${this.skipped ? `, ${this.skipped} skipped` : ""}\n`,
    );
    const out = process.env.MM_TEST_SUMMARY_DIR;
    if (out) {
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(
        path.join(out, "playwright.json"),
        JSON.stringify({ passed: this.passed, failed: this.failed, skipped: this.skipped }),
      );
    }
  }
}
