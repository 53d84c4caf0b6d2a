import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { screenshot, signUpInPortal, watchConsole } from "./support";

for (const width of [1280, 375]) {
  test(`happy: the generation playground streams sotu-gpt's text with the sampling settings, shows the tokens billed, and Stop ends a long one (${width} px)`, async ({
    page,
  }) => {
    const problems = watchConsole(page);
    await signUpInPortal(page, `Writer ${width}`);
    // Signed up at the default size (the narrow header folds "Sign out" into its menu).
    await page.setViewportSize({ width, height: 900 });
    await page.goto("/models/modelmarket/sotu-gpt");
    await expect(page.getByRole("heading", { level: 1, name: "sotu-gpt" })).toBeVisible();
    // The page shows the measured perplexity, and the OpenAI client among the snippets.
    await expect(page.getByText(/perplexity/i).first()).toBeVisible();
    await expect(page.getByRole("region", { name: "OpenAI client (streaming) example" })).toContainText("baseURL");

    await page.getByLabel("Prompt").fill("Fellow citizens, ");
    await page.getByLabel("Max tokens").fill("40");
    await page.getByLabel(/Temperature/).fill("0");
    await page.getByRole("button", { name: "Run" }).click();
    const answer = page.getByRole("region", { name: "Generated text" });
    // The cost comes from the call's receipt: the Free plan's included tokens cost nothing.
    await expect(answer.getByRole("status")).toContainText(/17 prompt \+ \d+ generated tokens billed \(\$0\.00\)/);
    expect((await answer.locator("p").first().textContent())?.length ?? 0).toBeGreaterThan(5);
    await screenshot(page, `generation-${width}`);

    // A long generation, stopped: the stream ends at the next token.
    await page.getByLabel("Max tokens").fill("100");
    await page.getByLabel(/Temperature/).fill("1");
    await page.getByRole("button", { name: "Run" }).click();
    // The model is fast: the generation may end before the click lands (then there is no Stop).
    await page
      .getByRole("button", { name: "Stop" })
      .click({ timeout: 3_000 })
      .catch(() => {});
    await expect(answer.getByRole("status")).toContainText(/Stopped|tokens billed/);
    await expect(page.getByRole("button", { name: "Run" })).toBeEnabled();
    expect(problems).toEqual([]);
  });
}

test("happy: a generation model's plans price input and output tokens per million: the wizard asks for both, the plan cards say them", async ({
  page,
}) => {
  const problems = watchConsole(page);
  await page.goto("/models/modelmarket/sotu-gpt");
  const pro = page.getByRole("region", { name: "Pro plan" });
  await expect(pro).toContainText("5,000,000 tokens included each month");
  await expect(pro).toContainText("then $0.50 / 1M input tokens, $1.50 / 1M output tokens");

  await signUpInPortal(page, "Token Publisher");
  await page.goto("/publish");
  await page.getByLabel("Task").selectOption("TEXT_GENERATION");
  const fixture = (file: string) =>
    fs.readFileSync(path.resolve(__dirname, "../../../packages/onnx/fixtures/tiny-gpt2", file));
  await page.getByLabel("Model (.onnx)").setInputFiles({
    name: "model.onnx",
    mimeType: "application/octet-stream",
    buffer: fixture("model.onnx"),
  });
  await page
    .getByLabel(/^tokenizer\.json/)
    .setInputFiles({ name: "tokenizer.json", mimeType: "application/json", buffer: fixture("tokenizer.json") });
  const name = `token priced ${Date.now()}`;
  await page.getByLabel("Name", { exact: true }).first().fill(name);
  await page.getByLabel("Description").fill("A tiny GPT-2 priced per token.");
  const plan = page.getByRole("group", { name: "Plan 1" });
  await expect(plan.getByLabel("Included tokens")).toBeVisible();
  await expect(plan.getByLabel(/Overage/)).toHaveCount(0);
  await plan.getByLabel("Input tokens (USD / 1M)").fill("0.15");
  await plan.getByLabel("Output tokens (USD / 1M)").fill("0.6");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const card = page.getByRole("region", { name: "Free plan" });
  await expect(card).toContainText("1,000 tokens included each month");
  await expect(card).toContainText("then $0.15 / 1M input tokens, $0.60 / 1M output tokens");
  await screenshot(page, "token-priced-plan");
  expect(problems).toEqual([]);
});
