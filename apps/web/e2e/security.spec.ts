import { maskEmbeddingModel } from "@modelmarket/onnx";
import { expect, test } from "@playwright/test";
import {
  api,
  PASSWORD,
  postUnsized,
  sendChunkedMiB,
  signUpInPortal,
  uniqueEmail,
  uploadArtifact,
  VOCAB,
  watchConsole,
} from "./support";

test("security: a signed-out visitor is sent to sign in from every dashboard", async ({ page }) => {
  const problems = watchConsole(page);
  for (const path of ["/usage", "/billing", "/keys", "/publish", "/team", "/audit", "/publishing"]) {
    await page.goto(path);
    await expect(page).toHaveURL(new RegExp(`/signin\\?callbackUrl=${encodeURIComponent(path).replace(/\//g, "%2F")}`));
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  }
  // The portal's API proxy adds no credentials for a visitor.
  const res = await page.request.post("/api/graphql", { data: { query: "{ apiKeys { id } }" } });
  expect((await res.json()).errors[0].extensions.code).toBe("UNAUTHENTICATED");
  expect(problems).toEqual([]);
});

test("security: a second tenant cannot see the first's private model or its usage", async ({ page }) => {
  const problems = watchConsole(page);
  // Tenant A, through the API: a private model it calls once.
  const email = uniqueEmail("private-owner");
  const signUp = await api<{ signUp: { token: string; user: { tenant: { slug: string } } } }>(
    `mutation($i: SignUpInput!) { signUp(input: $i) { token user { tenant { slug } } } }`,
    { i: { email, password: PASSWORD, tenantName: "Secret Labs" } },
  );
  const token = signUp.data?.signUp.token as string;
  const published = await api<{ publishModel: { slug: string; plans: { id: string }[] } }>(
    `mutation($i: PublishModelInput!) { publishModel(input: $i) { slug plans { id } } }`,
    {
      i: {
        name: "hidden embedder",
        description: "Private to Secret Labs",
        task: "TEXT_EMBEDDING",
        visibility: "PRIVATE",
        artifactId: await uploadArtifact(maskEmbeddingModel(), "model", token),
        version: "1.0.0",
        assets: {
          vocab: await uploadArtifact(Buffer.from(VOCAB), "asset", token),
          preprocessing: await uploadArtifact(Buffer.from('{"tokenizer":"wordpiece"}'), "asset", token),
        },
        plans: [{ name: "Own", monthlyFeeCents: 0, includedUnits: 100, unitPriceMicros: 0, rateLimitPerMinute: 60 }],
      },
    },
    token,
  );
  expect(published.errors).toBeUndefined();
  const slug = published.data?.publishModel.slug as string;
  await api(
    `mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`,
    {
      m: slug,
      p: published.data?.publishModel.plans[0]?.id,
    },
    token,
  );
  const used = await api(
    `mutation($m: String!) { embedText(model: $m, inputs: ["hello"]) { values } }`,
    { m: slug },
    token,
  );
  expect(used.errors).toBeUndefined();

  // Tenant B, in the portal.
  await signUpInPortal(page, "Curious Corp");
  await page.goto(`/models/${slug}`);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  // A real 404, not a 200 page that says so.
  expect((await page.request.get(`/models/${slug}`)).status()).toBe(404);
  await page.goto(`/?q=${encodeURIComponent("hidden embedder")}`);
  await expect(page.getByText(/No model matches/)).toBeVisible();
  await page.goto("/usage?days=1");
  await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
  await expect(page.getByTestId("total-calls")).toHaveText("0");
  await expect(page.getByText(slug)).toHaveCount(0);
  // Not found pages are expected to log the 404 of the document itself.
  expect(problems.filter((p) => !p.includes("404"))).toEqual([]);
});

/** Signs in through the form (the account comes from the API), landing wherever the form goes. */
async function signInWithForm(page: import("@playwright/test").Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("security: after signing in, only this portal's own paths are followed (no open redirect)", async ({ page }) => {
  const email = uniqueEmail("redirect");
  await api(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
    i: { email, password: PASSWORD, tenantName: "Redirect Co" },
  });
  const portal = new URL(test.info().project.use.baseURL as string).origin;
  // As the review sent them: callbackUrl=%2F%5C127…, %2F%09%2F…, %2F%0A%2F… (decoded here).
  // And dot segments that resolve to a protocol-relative path: /.//host, /a/..//host, /%2e//host.
  for (const evil of [
    "/\\127.0.0.1:3299/c",
    "/\t/127.0.0.1:3299/c",
    "/\n/127.0.0.1:3299/c",
    "//evil.example/x",
    "/.//127.0.0.1:3299/c",
    "/a/..//127.0.0.1:3299/c",
    "/%2e//127.0.0.1:3299/c",
  ]) {
    await page.context().clearCookies();
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(evil)}`);
    await signInWithForm(page, email, PASSWORD);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    const landed = new URL(page.url());
    expect(landed.origin, evil).toBe(portal);
    expect(landed.pathname, evil).toBe("/");
  }
  // A real same-site path is still followed.
  await page.context().clearCookies();
  await page.goto(`/signin?callbackUrl=${encodeURIComponent("/usage?days=7")}`);
  await signInWithForm(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/usage\?days=7$/);
});

test("security: every page carries CSP (frame-ancestors 'none'), X-Frame-Options and nosniff", async ({ page }) => {
  for (const path of ["/", "/signin", "/signup", "/models/modelmarket/sentiment"]) {
    const res = await page.request.get(path);
    const headers = res.headers();
    expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"], path).toContain("default-src 'self'");
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
  }
  // And the pages still work under the policy (no console errors from blocked scripts or styles).
  const problems = watchConsole(page);
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Find a model" })).toBeVisible();
  expect(problems).toEqual([]);
});

test("security: the portal's write routes refuse cross-site requests (CSRF), artifacts included", async ({ page }) => {
  await signUpInPortal(page, "Csrf Target");
  const before = await page.request.get("/");
  expect(before.ok()).toBe(true);
  // What a no-cors form POST from another site looks like: its own origin and a simple type.
  const crossSite = {
    origin: "http://evil.example",
    "sec-fetch-site": "cross-site",
  };
  const upload = await page.request.post("/api/artifacts?kind=asset&filename=x.txt", {
    headers: { ...crossSite, "content-type": "text/plain" },
    data: "planted",
  });
  expect(upload.status()).toBe(415);
  const typed = await page.request.post("/api/artifacts?kind=asset&filename=x.txt", {
    headers: { ...crossSite, "content-type": "application/octet-stream" },
    data: "planted",
  });
  expect(typed.status()).toBe(415);
  const graphql = await page.request.post("/api/graphql", {
    headers: { ...crossSite, "content-type": "application/json" },
    data: { query: `mutation { createApiKey(name: "planted") { secret } }` },
  });
  expect(graphql.status()).toBe(415);
  // The same requests from the portal itself work.
  const own = await page.request.post("/api/graphql", { data: { query: "{ apiKeys { name } }" } });
  const keys = (await own.json()).data.apiKeys as { name: string }[];
  expect(keys.map((k) => k.name)).not.toContain("planted");
});

test("security: an oversized body to the portal's API proxy is refused while streaming", async ({ page }) => {
  // Declared too large: refused before reading.
  const declared = await page.request.post("/api/graphql", {
    headers: { "content-type": "application/json" },
    data: `{"query":"{ __typename }","pad":"${"x".repeat(20 * 1024 * 1024)}"}`,
  });
  expect(declared.status()).toBe(413);
  expect((await declared.json()).errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
  // Streamed without a length (chunked): refused once the limit is passed, not after 40 MB.
  const base = test.info().project.use.baseURL as string;
  const streamed = await postUnsized(base, "/api/graphql", "application/json", '{"query":"{ __typename }","pad":"', 40);
  streamed.socket.destroy();
  expect(streamed.status).toBe(413);
  expect(streamed.sentMiB).toBeLessThan(40);
  // The portal keeps serving.
  expect((await page.request.get("/icon.svg")).ok()).toBe(true);
});

test("security: a client's own X-Forwarded-For does not choose the address the sign-in limits count (no bypass, no aimed lockout)", async ({
  page,
}) => {
  const email = uniqueEmail("lockout");
  await api(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
    i: { email, password: PASSWORD, tenantName: "Lockout Co" },
  });
  // Each failure claims another address. Believed, no address would reach the limit (a bypass)
  // and any named address could be locked out; here all come from this browser's socket.
  for (let i = 0; i < 10; i++) {
    await page.setExtraHTTPHeaders({ "x-forwarded-for": `203.0.113.${i + 1}` });
    await page.goto("/signin");
    await signInWithForm(page, email, `wrong-password-${i}`);
    await expect(page.locator("#signin-error")).toBeVisible();
  }
  await page.setExtraHTTPHeaders({ "x-forwarded-for": "198.51.100.77" });
  await page.goto("/signin");
  await signInWithForm(page, email, PASSWORD);
  await expect(page.locator("#signin-error")).toContainText(/Too many/);
  // Another account from the same address is not affected (failures count per account and address).
  const other = uniqueEmail("not-locked");
  await api(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
    i: { email: other, password: PASSWORD, tenantName: "Other Co" },
  });
  await page.goto("/signin");
  await signInWithForm(page, other, PASSWORD);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});

test("security: next-auth's routes refuse large or unsized bodies before reading them", async ({ page }) => {
  const base = test.info().project.use.baseURL as string;
  const big = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `email=a%40b.c&password=${"x".repeat(2 * 1024 * 1024)}`,
  });
  expect(big.status).toBe(413);
  // Without a length: refused on the headers alone, before a byte of the body is sent.
  const unsized = await postUnsized(base, "/api/auth/callback/credentials", "application/x-www-form-urlencoded", "", 0);
  expect(unsized.status).toBe(411);
  // What a client sends anyway is read and dropped up to the guard's drain cap, then cut: 40 MiB never all go in.
  const more = await sendChunkedMiB(unsized.socket, 40, () => false);
  await expect.poll(() => unsized.socket.destroyed, { timeout: 10_000 }).toBe(true);
  expect(more).toBeLessThan(40);
  expect((await page.request.get("/icon.svg")).ok()).toBe(true);
});

test("security: a forgotten password is reset by a mailed link; the portal never says whether an address has an account", async ({
  page,
}) => {
  const problems = watchConsole(page);
  await page.goto("/signin");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { name: "Forgot your password" })).toBeVisible();
  await page.getByLabel("Email").fill(uniqueEmail("nobody"));
  await page.getByRole("button", { name: "Mail me a reset link" }).click();
  await expect(page.getByRole("status")).toContainText("If ");
  await expect(page.getByRole("status")).toContainText("has an account, a link to choose a new password is on its way");
  // A link that matches no reset says so, and changes nothing.
  await page.goto("/reset-password/mmr_not_a_real_token");
  await page.getByLabel(/^New password/).fill("fresh-granite-orbit-91");
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(page.getByRole("status")).toContainText("not valid any more");
  expect(problems).toEqual([]);
});
