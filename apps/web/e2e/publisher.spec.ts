import { maskEmbeddingModel } from "@modelmarket/onnx";
import { expect, test } from "@playwright/test";
import { screenshot, signUpInPortal, VOCAB, watchConsole } from "./support";

test("happy: a publisher publishes a model through the wizard and it appears in the catalog; errors show next to their field", async ({
  page,
}) => {
  const problems = watchConsole(page);
  await signUpInPortal(page, "Publisher Inc");
  await page.goto("/publish");
  await page.getByLabel("Task").selectOption("TEXT_EMBEDDING");
  await page.getByLabel("Model (.onnx)").setInputFiles({
    name: "embedder.onnx",
    mimeType: "application/octet-stream",
    buffer: Buffer.from(maskEmbeddingModel()),
  });
  await page
    .getByLabel(/Tokenizer vocabulary/)
    .setInputFiles({ name: "vocab.txt", mimeType: "text/plain", buffer: Buffer.from(VOCAB) });
  const name = `wizard embedder ${Date.now()}`;
  await page.getByLabel("Name", { exact: true }).first().fill(name);
  await page.getByLabel("Description").fill("Embeds short greetings; published through the portal's wizard.");
  await page.getByLabel("Tags (comma-separated)").fill("greetings, e2e");
  await page.getByLabel("Intended use").fill("End-to-end tests");
  await page.getByLabel("License").fill("MIT");

  // A bad plan: refused by the API, the message sits next to the fee.
  const plan = page.getByRole("group", { name: "Plan 1" });
  await plan.getByLabel("Monthly fee (USD)").fill("-5");
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(plan.locator(".field-error")).toContainText(/monthlyFeeCents/);
  await expect(page.getByRole("progressbar", { name: "Upload progress of model" })).toHaveAttribute("value", "1");
  await screenshot(page, "publish-wizard-error");

  await plan.getByLabel("Monthly fee (USD)").fill("0");
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page).toHaveURL(/\/models\/publisher-inc[^/]*\/wizard-embedder/);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByText("End-to-end tests")).toBeVisible();
  await screenshot(page, "published-model");

  await page.goto(`/?q=${encodeURIComponent(name)}`);
  await expect(page.getByRole("link", { name })).toBeVisible();

  // The publisher's billing page has an earnings section.
  await page.goto("/billing");
  await expect(page.getByRole("heading", { name: "Earnings from your models" })).toBeVisible();
  // Without Stripe configured, the payout set-up says so instead of failing silently.
  await page.getByRole("button", { name: "Set up payouts with Stripe" }).click();
  await expect(page.getByText("Payouts through Stripe are not configured on this platform.")).toBeVisible();
  expect(problems).toEqual([]);
});
