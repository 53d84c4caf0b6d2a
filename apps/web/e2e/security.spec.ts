import { maskEmbeddingModel } from "@modelmarket/onnx";
import { expect, test } from "@playwright/test";
import { api, PASSWORD, signUpInPortal, uniqueEmail, uploadArtifact, VOCAB, watchConsole } from "./support";

test("security: a signed-out visitor is sent to sign in from every dashboard", async ({ page }) => {
  const problems = watchConsole(page);
  for (const path of ["/usage", "/billing", "/keys", "/publish"]) {
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
  await page.goto(`/?q=${encodeURIComponent("hidden embedder")}`);
  await expect(page.getByText(/No model matches/)).toBeVisible();
  await page.goto("/usage?days=1");
  await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
  await expect(page.getByTestId("total-calls")).toHaveText("0");
  await expect(page.getByText(slug)).toHaveCount(0);
  // Not found pages are expected to log the 404 of the document itself.
  expect(problems.filter((p) => !p.includes("404"))).toEqual([]);
});
