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
