import { buildOnnxModel, lengthTextClassifier, maskEmbeddingModel } from "@modelmarket/onnx";
import { expect, test } from "@playwright/test";
import { api, expectFitsPhone, PASSWORD, screenshot, signUpInPortal, VOCAB, watchConsole } from "./support";

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
    .getByLabel(/^Vocabulary/)
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
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(plan.locator(".field-error")).toContainText(/monthlyFeeCents/);
  await expect(page.getByRole("progressbar", { name: "Upload progress of model" })).toHaveAttribute("value", "1");
  await screenshot(page, "publish-wizard-error");

  await plan.getByLabel("Monthly fee (USD)").fill("0");
  // Quality figures: a metric with its dataset, shown on the card.
  await page.getByRole("button", { name: "Add evaluation metrics" }).click();
  const metric = page.getByRole("group", { name: "Metric 1" });
  await metric.getByLabel("Metric", { exact: true }).fill("greeting recall");
  await metric.getByLabel("Value", { exact: true }).fill("0.875");
  await metric.getByLabel("Dataset").fill("greetings (40)");
  await metric.getByLabel("Show on the catalog card").check();
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page).toHaveURL(/\/models\/publisher-inc[^/]*\/wizard-embedder/);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByText("End-to-end tests")).toBeVisible();
  const quality = page.getByRole("table", { name: /Quality of version 1.0.0/ });
  await expect(quality.getByRole("row", { name: /greeting recall/ })).toContainText("87.5%");
  await expect(quality).toContainText("greetings (40)");
  await expect(page.getByText("Declared by the publisher for version 1.0.0")).toBeVisible();
  await screenshot(page, "published-model");
  await expectFitsPhone(page, "published-model");

  await page.goto(`/?q=${encodeURIComponent(name)}`);
  await expect(page.getByRole("link", { name })).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: name })).toContainText("greeting recall 87.5%");

  // The publisher's billing page has an earnings section.
  await page.goto("/billing");
  await expect(page.getByRole("heading", { name: "Earnings from your models" })).toBeVisible();
  // Without Stripe configured, no payout button is offered; the page says where earnings stay.
  await expect(page.getByTestId("payouts-unavailable")).toContainText("no Stripe");
  await expect(page.getByRole("button", { name: "Set up payouts with Stripe" })).toHaveCount(0);
  expect(problems).toEqual([]);
});

test("happy: a publisher publishes a private draft, tries it, adds a version, makes it public; a consumer sees the new version", async ({
  page,
  browser,
}) => {
  const problems = watchConsole(page);
  await signUpInPortal(page, "Draft Works");
  const model = {
    name: "model.onnx",
    mimeType: "application/octet-stream",
    buffer: Buffer.from(maskEmbeddingModel()),
  };
  const vocab = { name: "vocab.txt", mimeType: "text/plain", buffer: Buffer.from(VOCAB) };

  // 1. Publish as a private draft (the wizard's default), its files as the task registry asks.
  await page.goto("/publish");
  await page.getByLabel("Task").selectOption("TEXT_EMBEDDING");
  await page.getByLabel("Model (.onnx)").setInputFiles(model);
  await page.getByLabel(/^Vocabulary/).setInputFiles(vocab);
  const name = `draft embedder ${Date.now()}`;
  await page.getByLabel("Name", { exact: true }).first().fill(name);
  await page.getByLabel("Description").fill("A draft, tried before it goes public.");
  await expect(page.getByLabel("Visibility")).toHaveValue("PRIVATE");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByRole("list", { name: "Task and tags" })).toContainText("private");
  const slug = new URL(page.url()).pathname.replace(/^\/models\//, "");

  // 2. Try it in its playground: a real call, as own use (no subscription, not billed).
  await expect(page.getByText(/Your organisation publishes this model/)).toBeVisible();
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByText(/Request id req_/)).toBeVisible();

  // 3. Your models → Manage → a new version with release notes.
  await page.getByRole("link", { name: "Your models" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your models" })).toBeVisible();
  await expect(page.getByTestId(`your-model-${slug}`)).toContainText("private draft");
  await screenshot(page, "your-models");
  await page.getByRole("link", { name: `Manage ${name}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Manage ${name}` })).toBeVisible();
  const form = page.getByRole("form", { name: "New version" });
  await form.getByLabel(/^Version/).fill("1.1.0");
  await form.getByLabel("What changed (release notes)").fill("Longer vocabulary.");
  await form.getByLabel("Model (.onnx)").setInputFiles(model);
  await form.getByLabel(/^Vocabulary/).setInputFiles(vocab);
  await form.getByRole("button", { name: "Publish version" }).click();
  await expect(form.getByRole("status")).toContainText("Version 1.1.0 published; the latest is 1.1.0.");

  // Plans: add a paid one, retire nothing yet (the free plan keeps its subscribers).
  const addPlan = page.getByRole("form", { name: "Add a plan" });
  await addPlan.getByLabel("Name").fill("Team");
  await addPlan.getByLabel("Monthly fee (USD)").fill("29");
  await addPlan.getByRole("button", { name: "Add plan" }).click();
  await expect(page.getByRole("button", { name: "Retire Team" })).toBeVisible();

  // 4. Make it public.
  const edit = page.getByRole("form", { name: "Edit model" });
  await edit.getByLabel("Visibility").selectOption("PUBLIC");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit.getByRole("status")).toHaveText("Saved.");
  await expect(page.getByText("Public: listed in the catalog.")).toBeVisible();
  await screenshot(page, "manage-model");
  expect(problems).toEqual([]);

  // 5. A consumer finds it and sees the new version as the latest, with both in the playground.
  const consumer = await browser.newContext();
  try {
    const other = await consumer.newPage();
    await signUpInPortal(other, "Draft Reader");
    await other.goto(`/?q=${encodeURIComponent(name)}`);
    await other.getByRole("link", { name }).click();
    await expect(other.getByText(/latest version 1\.1\.0/)).toBeVisible();
    await expect(other.getByRole("row", { name: /1\.1\.0.*Longer vocabulary.*latest/ })).toBeVisible();
    await expect(other.getByRole("region", { name: "Team plan" })).toBeVisible();
    await other.getByRole("button", { name: "Run" }).click();
    await expect(other.getByRole("form", { name: "Playground" }).getByLabel("Version")).toBeVisible();
    await expect(other.getByRole("form", { name: "Playground" }).getByLabel("Version").locator("option")).toHaveText([
      "latest (1.1.0)",
      "1.1.0",
      "1.0.0",
    ]);
    await screenshot(other, "model-page-versions");
  } finally {
    await consumer.close();
  }
});

test("happy: the wizard checks examples before publishing, refuses a wrong one, and the model page offers them as one-click tries", async ({
  page,
}) => {
  const problems = watchConsole(page);
  await signUpInPortal(page, "Example Makers");
  await page.goto("/publish");
  await page.getByLabel("Task").selectOption("TEXT_CLASSIFICATION");
  await page.getByLabel("Model (.onnx)").setInputFiles({
    name: "length.onnx",
    mimeType: "application/octet-stream",
    buffer: Buffer.from(lengthTextClassifier()),
  });
  await page
    .getByLabel(/^Vocabulary/)
    .setInputFiles({ name: "vocab.txt", mimeType: "text/plain", buffer: Buffer.from(VOCAB) });
  await page.getByLabel(/^Labels/).setInputFiles({
    name: "labels.json",
    mimeType: "application/json",
    buffer: Buffer.from('["short","medium","long"]'),
  });
  const examples = page.getByLabel(/^Examples/);
  // A wrong expectation: the check shows what the model answers instead.
  await examples.fill('[{"name": "greeting", "text": "hello world", "expect": {"label": "nonsense"}}]');
  await page.getByRole("button", { name: "Check before publishing" }).click();
  const preview = page.getByTestId("version-preview");
  await expect(preview).toContainText(
    /Example "greeting": expected "nonsense", the model answered "(short|medium|long)"/,
  );
  const answered = /answered "(\w+)"/.exec((await preview.textContent()) ?? "")?.[1] as string;
  await screenshot(page, "publish-check");
  const name = `length classifier ${Date.now()}`;
  await page.getByLabel("Name", { exact: true }).first().fill(name);
  await page.getByLabel("Description").fill("Says how long a text is.");
  // Publishing with the wrong example is refused, next to the field.
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.locator("#examples-error")).toContainText("expected");
  await examples.fill(`[{"name": "greeting", "text": "hello world", "expect": {"label": "${answered}"}}]`);
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  // The example is a one-click try on the model page.
  await page.getByRole("button", { name: "Try greeting" }).click();
  await expect(page.getByRole("region", { name: "Scores" })).toContainText(answered);
  await expect(page.getByLabel("Text to classify")).toHaveValue("hello world");
  expect(problems).toEqual([]);
});

/**
 * An image classifier whose two scores are the mean of its channels against 0.5 minus it, so
 * its answer to a uniform colour is known exactly: a preset normalisation would change it.
 */
function meanClassifier(channels: 1 | 3): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: "pixels", elemType: "FLOAT", shape: [1, channels, 16, 16] }],
    outputs: [{ name: "logits", elemType: "FLOAT", shape: [1, 2] }],
    initializers: [
      {
        name: "W",
        dims: [channels, 2],
        floatData: Array.from({ length: channels }, () => [1 / channels, -1 / channels]).flat(),
      },
      { name: "b", dims: [2], floatData: [0, 0.5] },
    ],
    nodes: [
      { opType: "GlobalAveragePool", inputs: ["pixels"], outputs: ["pooled"] },
      { opType: "Flatten", inputs: ["pooled"], outputs: ["means"] },
      { opType: "MatMul", inputs: ["means", "W"], outputs: ["scaled"] },
      { opType: "Add", inputs: ["scaled", "b"], outputs: ["logits"] },
    ],
  });
}

test("happy: 1- and 3-channel image models published through the wizard with its defaults answer as the direct run (no preset applied)", async ({
  page,
}) => {
  const problems = watchConsole(page);
  const { email } = await signUpInPortal(page, "Pixel Works");
  const signIn = await api<{ signIn: { token: string } }>(
    `mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`,
    { e: email, p: PASSWORD },
  );
  const token = signIn.data?.signIn.token as string;
  // A uniform grey of 200: every channel's mean is 200/255 with the defaults (RGB/grey, 0..1).
  const grey = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAHUlEQVR4nGM4QSJgGNVABGAgRhEyGNVADKB9KAEA+NpYHz2yEDUAAAAASUVORK5CYII=",
    "base64",
  );
  for (const channels of [1, 3] as const) {
    await page.goto("/publish");
    await page.getByLabel("Task").selectOption("IMAGE_CLASSIFICATION");
    // The preprocessing field is empty: the example is only a placeholder.
    await expect(page.getByLabel(/^Preprocessing/)).toHaveValue("");
    await page.getByLabel("Model (.onnx)").setInputFiles({
      name: `mean-${channels}.onnx`,
      mimeType: "application/octet-stream",
      buffer: Buffer.from(meanClassifier(channels)),
    });
    await page
      .getByLabel(/^Labels/)
      .setInputFiles({ name: "labels.json", mimeType: "application/json", buffer: Buffer.from('["bright","dark"]') });
    const name = `mean ${channels} channel ${Date.now()}`;
    await page.getByLabel("Name", { exact: true }).first().fill(name);
    await page.getByLabel("Description").fill("Scores are the image's mean brightness.");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    const slug = new URL(page.url()).pathname.replace(/^\/models\//, "");
    const answer = await api<{ classifyImage: { label: string; score: number }[] }>(
      `mutation($m: String!, $i: [ImageInput!]!) { classifyImage(model: $m, images: $i) { label score } }`,
      { m: slug, i: [{ base64: grey.toString("base64") }] },
      token,
    );
    expect(answer.errors).toBeUndefined();
    // The direct run, written out: logits [m, 0.5 - m] with m = 200/255.
    const m = 200 / 255;
    const expected = 1 / (1 + Math.exp(0.5 - 2 * m));
    expect(answer.data?.classifyImage[0]?.label).toBe("bright");
    expect(answer.data?.classifyImage[0]?.score).toBeCloseTo(expected, 4);
  }
  expect(problems).toEqual([]);
});
