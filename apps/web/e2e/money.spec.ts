import { expect, test } from "@playwright/test";
import { api, expectFitsPhone, PASSWORD, signUpInPortal, watchConsole } from "./support";

test("happy: switching plans within a month (free → paid → free, then cancel) asks first, and the billing page shows what the invoice will say", async ({
  page,
}) => {
  const problems = watchConsole(page);
  const { email } = await signUpInPortal(page, "Plan Switcher");
  const signIn = await api<{ signIn: { token: string } }>(
    `mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`,
    { e: email, p: PASSWORD },
  );
  const token = signIn.data?.signIn.token as string;
  await page.goto("/models/modelmarket/sentiment");
  const plan = (name: string) => page.getByRole("region", { name: `${name} plan` });
  await plan("Free").getByRole("button", { name: "Subscribe to Free" }).click();
  await expect(plan("Free")).toContainText("your plan");

  await plan("Pro").getByRole("button", { name: "Switch to Pro" }).click();
  await page
    .getByRole("group", { name: "Confirm Pro" })
    .getByRole("button", { name: "Confirm: $9.00 / month" })
    .click();
  await expect(plan("Pro")).toContainText("your plan");

  // Back to free: asked first, saying that this month's fee stays on the invoice.
  await plan("Free").getByRole("button", { name: "Switch to Free" }).click();
  const downgrade = page.getByRole("group", { name: "Confirm Free" });
  await expect(downgrade).toContainText("$9.00 fee for this month stays on this month's invoice");
  await downgrade.getByRole("button", { name: "Confirm: switch to Free" }).click();
  await expect(plan("Free")).toContainText("your plan");

  // Cancelling is asked too.
  await plan("Free").getByRole("button", { name: "Cancel subscription" }).click();
  const cancel = page.getByRole("group", { name: "Confirm cancelling Free" });
  await expect(cancel).toContainText("Calls to this model stop at once");
  await cancel.getByRole("button", { name: "Confirm: cancel" }).click();
  await expect(page.getByText("Subscription canceled.")).toBeVisible();

  // The estimate is the invoice's computation: the Pro plan's fee, although it was left.
  const upcoming = await api<{ upcomingInvoices: { totalCents: number; currency: string }[] }>(
    `{ upcomingInvoices { totalCents currency } }`,
    {},
    token,
  );
  expect(upcoming.data?.upcomingInvoices).toEqual([{ totalCents: 900, currency: "usd" }]);
  await page.goto("/billing");
  await expect(page.getByTestId("estimate-total")).toContainText("$9.00");
  // Without Stripe the payout button is not offered.
  await expect(page.getByTestId("payouts-unavailable")).toBeVisible();
  await expect(page.getByRole("button", { name: "Set up payouts with Stripe" })).toHaveCount(0);
  expect(problems).toEqual([]);
});

test("happy: on a 375 px phone the header folds into a menu, says who is signed in, and no page is wider than the screen", async ({
  page,
}) => {
  const problems = watchConsole(page);
  const { email } = await signUpInPortal(page, "Phone User");
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto("/");
  const menu = page.getByText("Menu", { exact: true });
  await expect(menu).toBeVisible();
  await expect(page.getByRole("link", { name: "Billing" })).toBeHidden();
  // The header is one row while folded.
  const header = await page.locator(".site-header").boundingBox();
  expect(header?.height ?? 999).toBeLessThan(80);
  await menu.click();
  await expect(page.getByRole("link", { name: "Billing" })).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
  await page.setViewportSize({ width: 1280, height: 720 });
  for (const path of ["/", "/billing", "/keys", "/usage", "/team", "/audit", "/publish", "/publishing"]) {
    await page.goto(path);
    await expectFitsPhone(page, `phone${path.replace(/\//g, "-") || "-home"}`);
  }
  expect(problems).toEqual([]);
});

test("happy: /models is the catalog, and an invitation link that matches nothing is a 404 that says so", async ({
  page,
}) => {
  const models = await page.goto("/models?q=sentiment");
  expect(models?.status()).toBe(200);
  await expect(page).toHaveURL(/\/\?q=sentiment$/);
  const invitation = await page.goto("/invite/not-a-real-token");
  expect(invitation?.status()).toBe(404);
  await expect(page.getByText("This invitation link is not valid")).toBeVisible();
});
