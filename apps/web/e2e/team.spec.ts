import { expect, test } from "@playwright/test";
import { api, expectFitsPhone, PASSWORD, screenshot, signUpInPortal, uniqueEmail, watchConsole } from "./support";

test("happy: an owner invites a developer; the developer accepts in another browser, works with keys but cannot open billing; removal ends their access", async ({
  page,
  browser,
}) => {
  const problems = watchConsole(page);
  const { email: ownerEmail } = await signUpInPortal(page, "Team Co");

  // The owner invites a developer; without SMTP the portal shows the link to copy.
  await page.getByRole("link", { name: "Team" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /Team of Team Co/ })).toBeVisible();
  const devEmail = uniqueEmail("developer");
  const invite = page.getByRole("form", { name: "Invite a member" });
  await invite.getByLabel("Email").fill(devEmail);
  await invite.getByLabel("Role").selectOption("DEVELOPER");
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Mail is not configured here")).toBeVisible();
  const link = await page.getByTestId("invitation-link").inputValue();
  expect(link).toMatch(/\/invite\/mmi_/);
  await expect(page.getByRole("cell", { name: devEmail, exact: true })).toBeVisible();
  await screenshot(page, "team-invited");

  // The developer opens the link in their own browser (a second context: no shared cookies).
  const devContext = await browser.newContext();
  const dev = await devContext.newPage();
  const devProblems = watchConsole(dev);
  await dev.goto(new URL(link).pathname);
  await expect(dev.getByRole("heading", { level: 1, name: "Join Team Co" })).toBeVisible();
  await expect(dev.getByText(`as developer, with the address ${devEmail}`)).toBeVisible();
  await screenshot(dev, "invitation");
  await expectFitsPhone(dev, "invitation");
  await dev.getByLabel("Choose a password").fill(PASSWORD);
  await dev.getByRole("button", { name: "Join Team Co" }).click();
  await expect(dev.getByRole("button", { name: "Sign out" })).toBeVisible();

  // Developer: keys and publishing, no billing, usage or audit.
  const nav = dev.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "API keys" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Publish" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Billing" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await dev.goto("/billing");
  await expect(dev.getByRole("heading", { level: 1, name: "Not available to your role" })).toBeVisible();
  await expect(dev.getByText('lacks the "billing:read" scope')).toBeVisible();
  await screenshot(dev, "developer-billing-refused");
  await dev.goto("/keys");
  // Only the scopes the role holds can be granted.
  await expect(dev.getByRole("checkbox", { name: /billing:read/ })).toHaveCount(0);
  await dev.getByLabel("Name").fill("dev laptop");
  await dev.getByRole("button", { name: "Create key" }).click();
  const secret = (await dev.getByTestId("new-key-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^mm_live_/);
  const me = await api<{ me: { email: string; role: string } }>(`{ me { email role } }`, {}, secret);
  expect(me.data?.me).toEqual({ email: devEmail, role: "developer" });

  // The owner sees the member and their key, and removes them.
  await page.reload();
  const row = page.getByTestId(`member-${devEmail}`);
  await expect(row).toContainText("Developer");
  await expect(row.getByRole("cell").nth(4)).toHaveText("1");
  await screenshot(page, "team-members");
  await expectFitsPhone(page, "team-members");
  await row.getByRole("button", { name: `Remove ${devEmail}` }).click();
  const confirm = page.getByRole("form", { name: "Confirm removal" });
  await confirm.getByLabel("Hand their keys to").selectOption("");
  await confirm.getByRole("button", { name: "Remove member" }).click();
  await expect(page.getByText(`${devEmail} removed: 1 key(s) revoked`)).toBeVisible();
  await expect(page.getByTestId(`member-${devEmail}`)).toHaveCount(0);

  // At once: the key is refused and the developer's next page asks them to sign in again.
  const after = await api(`{ me { email } }`, {}, secret);
  expect(after.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  await dev.goto("/keys");
  await expect(dev).toHaveURL(/\/signin/);
  expect(problems).toEqual([]);
  expect(devProblems).toEqual([]);
  await devContext.close();
  expect(ownerEmail).toContain("@");
});

test("happy: a member of two organisations switches between them in the header", async ({ page, browser }) => {
  const problems = watchConsole(page);
  const { email } = await signUpInPortal(page, "Home Org");
  // Another organisation invites this person as billing (straight through the API, as a client would).
  const other = await api<{ signUp: { token: string } }>(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
    i: { email: uniqueEmail("other-owner"), password: PASSWORD, tenantName: "Other Org" },
  });
  const invited = await api<{ inviteMember: { url: string } }>(
    `mutation($e: String!) { inviteMember(email: $e, role: BILLING) { url } }`,
    { e: email },
    other.data?.signUp.token,
  );
  const url = invited.data?.inviteMember.url ?? "";
  await page.goto(new URL(url).pathname);
  await expect(page.getByText("Your password for")).toBeVisible();
  await page.getByLabel("Your password for").fill(PASSWORD);
  await page.getByRole("button", { name: "Join Other Org" }).click();

  const switcher = page.getByRole("combobox", { name: "Organisation" });
  await expect(switcher).toHaveValue(/other-org/);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Billing" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "API keys" })).toHaveCount(0);
  await screenshot(page, "organisation-switcher");
  await expectFitsPhone(page, "organisation-switcher");

  await switcher.selectOption({ label: "Home Org (owner)" });
  await expect(nav.getByRole("link", { name: "API keys" })).toBeVisible();
  await expect(switcher).toHaveValue(/home-org/);
  expect(problems).toEqual([]);
  void browser;
});
