// A published model's life: new versions, deprecation and yanking, edits, plans retired,
// examples that prove a version before it is public, and unpublishing with a subscriber.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyClient,
  errorCode,
  FREE_PLAN,
  publishTinyModel,
  signUpTenant,
  startTestApi,
  subscribeTo,
  type TestApi,
  type TestTenant,
  tinyTextModel,
  uploadTextAssets,
} from "./harness";

const CLASSIFY = `mutation($m: String!, $v: String) { classifyText(model: $m, inputs: ["hello world"], version: $v) { label } }`;
const MODEL = `query($s: String!) { model(slug: $s) { latestVersion { version } versions { version deprecated yanked notes } plans { id name } } }`;
const PUBLISH_VERSION = `mutation($m: String!, $i: PublishVersionInput!) { publishVersion(model: $m, input: $i) { latestVersion { version } versions { version } } }`;

type Body = { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[]; extensions?: any };

let api: TestApi;
let publisher: TestTenant;

beforeAll(async () => {
  api = await startTestApi({}, { inference: true });
  publisher = await signUpTenant(api, "Lifecycle Labs");
}, 120_000);
afterAll(() => api?.close());

async function newVersion(slug: string, version: string, extra: Record<string, unknown> = {}, seed = 2) {
  const upload = await publisher.client.uploadArtifact(tinyTextModel(3, seed), { fileName: `v${version}.onnx` });
  const assets = await uploadTextAssets(publisher.client);
  const { body } = await publisher.client.raw(PUBLISH_VERSION, {
    m: slug,
    i: { version, artifactId: upload.body.id, assets, ...extra },
  });
  return body as Body;
}

/** A model with one version and a consumer calling it with an inference key. */
async function setUp(plans: unknown[] = [FREE_PLAN]) {
  const model = await publishTinyModel(publisher, { plans });
  const consumerTenant = await signUpTenant(api, "Consumer");
  await subscribeTo(consumerTenant, model.slug, model.plans[0]?.id);
  const consumer = await apiKeyClient(api, consumerTenant, ["inference", "billing:read", "billing:write"]);
  return { model, consumerTenant, consumer };
}

async function versionOfLastCall(tenantId: string): Promise<string> {
  const event = await api.db.prisma.usageEvent.findFirstOrThrow({
    where: { tenantId, outcome: "SUCCESS" },
    orderBy: { createdAt: "desc" },
    include: { modelVersion: true },
  });
  return event.modelVersion.version;
}

describe("model lifecycle", () => {
  it("happy: 1.0.0 → 1.1.0: the latest version moves, unpinned calls follow it, pinned calls stay", async () => {
    const { model, consumerTenant, consumer } = await setUp();
    expect((await newVersion(model.slug, "1.1.0", { notes: "Retrained on more data." })).errors).toBeUndefined();
    const view = await api.client.request<{
      model: { latestVersion: { version: string }; versions: { version: string; notes: string | null }[] };
    }>(MODEL, { s: model.slug });
    expect(view.model.latestVersion.version).toBe("1.1.0");
    expect(view.model.versions.map((v) => v.version)).toEqual(["1.1.0", "1.0.0"]);
    expect(view.model.versions[0]?.notes).toBe("Retrained on more data.");
    expect(((await consumer.client.raw(CLASSIFY, { m: model.slug })).body as Body).errors).toBeUndefined();
    expect(await versionOfLastCall(consumerTenant.tenantId)).toBe("1.1.0");
    expect(((await consumer.client.raw(CLASSIFY, { m: model.slug, v: "1.0.0" })).body as Body).errors).toBeUndefined();
    expect(await versionOfLastCall(consumerTenant.tenantId)).toBe("1.0.0");
    // A lower version published later does not become the latest; an existing one is refused.
    expect((await newVersion(model.slug, "1.0.1")).errors).toBeUndefined();
    const again = await newVersion(model.slug, "1.1.0");
    expect(again.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(again.errors?.[0]?.message).toMatch(/exists/);
    const bad = await newVersion(model.slug, "v2");
    expect(bad.errors?.[0]?.message).toMatch(/semantic version/);
    const latest = await api.client.request<{ model: { latestVersion: { version: string } } }>(MODEL, {
      s: model.slug,
    });
    expect(latest.model.latestVersion.version).toBe("1.1.0");
  });

  it("happy: a deprecated version is still served and every answer says so, naming the versions to move to", async () => {
    const { model, consumer } = await setUp();
    await newVersion(model.slug, "1.1.0");
    const { body } = await publisher.client.raw(
      `mutation($m: String!) { deprecateVersion(model: $m, version: "1.0.0", note: "tokeniser bug") { versions { version deprecated } } }`,
      { m: model.slug },
    );
    expect((body as Body).errors).toBeUndefined();
    const pinned = (await consumer.client.raw(CLASSIFY, { m: model.slug, v: "1.0.0" })).body as Body;
    expect(pinned.errors).toBeUndefined();
    expect(pinned.extensions?.notices?.[0]).toMatch(/1\.0\.0 .* is deprecated \(tokeniser bug\); move to 1\.1\.0/);
    const latest = (await consumer.client.raw(CLASSIFY, { m: model.slug })).body as Body;
    expect(latest.extensions?.notices).toBeUndefined();
  });

  it("error: a yanked version is refused with BAD_USER_INPUT naming the versions to use; the last one cannot be yanked", async () => {
    const { model, consumer } = await setUp();
    await newVersion(model.slug, "1.1.0");
    await publisher.client.request(
      `mutation($m: String!) { yankVersion(model: $m, version: "1.1.0", reason: "wrong labels") { latestVersion { version } } }`,
      { m: model.slug },
    );
    const pinned = (await consumer.client.raw(CLASSIFY, { m: model.slug, v: "1.1.0" })).body as Body;
    expect(pinned.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(pinned.errors?.[0]?.message).toMatch(/1\.1\.0 .* was yanked \(wrong labels\); call 1\.0\.0 instead/);
    // The latest is the highest version not yanked.
    const view = await api.client.request<{ model: { latestVersion: { version: string } } }>(MODEL, { s: model.slug });
    expect(view.model.latestVersion.version).toBe("1.0.0");
    const last = (
      await publisher.client.raw(`mutation($m: String!) { yankVersion(model: $m, version: "1.0.0") { id } }`, {
        m: model.slug,
      })
    ).body as Body;
    expect(last.errors?.[0]?.message).toMatch(/only one left/);
  });

  it("security: yanking the last two versions at once, or retiring the last two plans at once, leaves one of each (every round)", async () => {
    for (let round = 0; round < 4; round++) {
      const { model, consumer } = await setUp([FREE_PLAN, { ...FREE_PLAN, name: "Starter" }]);
      await newVersion(model.slug, "1.1.0");
      const yanks = await Promise.all(
        ["1.0.0", "1.1.0"].map((v) =>
          publisher.client.raw(`mutation($m: String!, $v: String!) { yankVersion(model: $m, version: $v) { id } }`, {
            m: model.slug,
            v,
          }),
        ),
      );
      expect(yanks.filter((r) => !(r.body as Body).errors)).toHaveLength(1);
      const loser = yanks.find((r) => (r.body as Body).errors)?.body as Body | undefined;
      expect(loser?.errors?.[0]?.message).toMatch(/only one left/);
      const retires = await Promise.all(
        model.plans.map((p) =>
          publisher.client.raw(`mutation($m: String!, $p: ID!) { retirePlan(model: $m, planId: $p) { id } }`, {
            m: model.slug,
            p: p.id,
          }),
        ),
      );
      expect(retires.filter((r) => !(r.body as Body).errors)).toHaveLength(1);
      const view = await api.client.request<{ model: { latestVersion: { version: string } | null; plans: unknown[] } }>(
        MODEL,
        { s: model.slug },
      );
      expect(view.model.latestVersion).not.toBeNull();
      expect(view.model.plans).toHaveLength(1);
      // And it is still served.
      expect(((await consumer.client.raw(CLASSIFY, { m: model.slug })).body as Body).errors).toBeUndefined();
    }
  });

  it("happy: a retired plan keeps its subscribers on the same terms; new subscribers cannot pick it", async () => {
    const { model, consumer } = await setUp([FREE_PLAN, { ...FREE_PLAN, name: "Starter", includedUnits: 50 }]);
    const free = model.plans.find((p) => p.name === "Free")?.id as string;
    const { body } = await publisher.client.raw(
      `mutation($m: String!, $p: ID!) { retirePlan(model: $m, planId: $p) { plans { name } } }`,
      { m: model.slug, p: free },
    );
    expect((body as Body).data?.retirePlan.plans.map((p: { name: string }) => p.name)).toEqual(["Starter"]);
    expect(((await consumer.client.raw(CLASSIFY, { m: model.slug })).body as Body).errors).toBeUndefined();
    const newcomer = await signUpTenant(api, "Newcomer");
    const refused = await newcomer.client.raw(
      `mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`,
      {
        m: model.slug,
        p: free,
      },
    );
    expect(errorCode(refused.body)).toBe("NOT_FOUND");
    // A new plan can be added alongside (prices change by adding and retiring, never in place).
    const added = (
      await publisher.client.raw(
        `mutation($m: String!, $p: PlanInput!) { addPlan(model: $m, plan: $p) { plans { name } } }`,
        {
          m: model.slug,
          p: { ...FREE_PLAN, name: "Team", monthlyFeeCents: 4900 },
        },
      )
    ).body as Body;
    expect(added.data?.addPlan.plans.map((p: { name: string }) => p.name)).toEqual(["Starter", "Team"]);
    const reused = (
      await publisher.client.raw(`mutation($m: String!, $p: PlanInput!) { addPlan(model: $m, plan: $p) { id } }`, {
        m: model.slug,
        p: { ...FREE_PLAN, name: "Free" },
      })
    ).body as Body;
    expect(reused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("happy: unpublish: gone from the catalog at once; a subscriber is served with a notice until the period ends, then it ends", async () => {
    const { model, consumerTenant, consumer } = await setUp();
    const search = async () =>
      (
        await api.client.request<{ models: { edges: { node: { slug: string } }[] } }>(
          `{ models(first: 100) { edges { node { slug } } } }`,
        )
      ).models.edges.map((e) => e.node.slug);
    expect(await search()).toContain(model.slug);
    await publisher.client.request(`mutation($m: String!) { unpublishModel(model: $m) { unpublishedAt } }`, {
      m: model.slug,
    });
    expect(await search()).not.toContain(model.slug);
    expect(errorCode((await api.client.raw(MODEL, { s: model.slug })).body)).toBe("NOT_FOUND");
    const served = (await consumer.client.raw(CLASSIFY, { m: model.slug })).body as Body;
    expect(served.errors).toBeUndefined();
    expect(served.extensions?.notices?.[0]).toMatch(/was unpublished on .*served until/);
    const newcomer = await signUpTenant(api, "Late");
    const refused = await newcomer.client.raw(
      `mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`,
      {
        m: model.slug,
        p: model.plans[0]?.id,
      },
    );
    expect(errorCode(refused.body)).toBe("NOT_FOUND");
    // The paid period ends: the next call finds nothing and the subscription has ended.
    await api.db.prisma.subscription.updateMany({
      where: { tenantId: consumerTenant.tenantId },
      data: { currentPeriodEnd: new Date(Date.now() - 1000) },
    });
    // As if the time had passed: the call path's cached copy of the subscription would then hold
    // the same (past) period end, so it is dropped here like any change to it.
    await api.services.cacheBus.publish({ kind: "subscriptions", tenantId: consumerTenant.tenantId });
    expect(errorCode((await consumer.client.raw(CLASSIFY, { m: model.slug })).body)).toBe("NOT_FOUND");
    const sub = await api.db.prisma.subscription.findFirstOrThrow({ where: { tenantId: consumerTenant.tenantId } });
    expect(sub.status).toBe("CANCELED");
  });

  it("happy: a private draft is tried by its publisher, then made public with updateModel", async () => {
    const draft = await publishTinyModel(publisher, { visibility: "PRIVATE", description: "A draft" });
    const stranger = await signUpTenant(api, "Stranger");
    expect(errorCode((await stranger.client.raw(MODEL, { s: draft.slug })).body)).toBe("NOT_FOUND");
    // The publisher calls its own draft without subscribing (own use): served, neither metered nor billed.
    const tries = await publisher.client.raw(CLASSIFY, { m: draft.slug });
    expect((tries.body as Body).errors).toBeUndefined();
    const events = await api.db.prisma.usageEvent.count({ where: { tenantId: publisher.tenantId } });
    expect(events).toBe(0);
    expect(await api.db.prisma.subscription.count({ where: { tenantId: publisher.tenantId } })).toBe(0);
    expect(errorCode((await stranger.client.raw(CLASSIFY, { m: draft.slug })).body)).toBe("NOT_FOUND");
    const { body } = await publisher.client.raw(
      `mutation($m: String!, $i: UpdateModelInput!) { updateModel(model: $m, input: $i) { visibility description tags card { license } } }`,
      {
        m: draft.slug,
        i: { visibility: "PUBLIC", description: "Ready", tags: ["Text", "demo"], card: { license: "MIT" } },
      },
    );
    expect((body as Body).data?.updateModel).toEqual({
      visibility: "PUBLIC",
      description: "Ready",
      tags: ["text", "demo"],
      card: { license: "MIT" },
    });
    expect((await stranger.client.raw(MODEL, { s: draft.slug })).body.errors).toBeUndefined();
  });

  it("security: a model with subscribers cannot be made private behind their backs (unpublish is the way); the audit log says what changed", async () => {
    const { model, consumerTenant, consumer } = await setUp();
    const update = `mutation($m: String!, $i: UpdateModelInput!) { updateModel(model: $m, input: $i) { visibility } }`;
    const refused = await publisher.client.raw(update, { m: model.slug, i: { visibility: "PRIVATE" } });
    expect(errorCode(refused.body)).toBe("BAD_USER_INPUT");
    expect(refused.body.errors?.[0]?.message).toMatch(/1 other organisation subscribes.*Unpublish it instead/);
    // Still listed and still served.
    expect((await api.client.raw(MODEL, { s: model.slug })).body.errors).toBeUndefined();
    expect(((await consumer.client.raw(CLASSIFY, { m: model.slug })).body as Body).errors).toBeUndefined();
    // Once nobody else subscribes, it may go private; the audit log records the change itself.
    const sub = await api.db.prisma.subscription.findFirstOrThrow({ where: { tenantId: consumerTenant.tenantId } });
    await consumer.client.request(`mutation($id: ID!) { cancelSubscription(id: $id) { id } }`, { id: sub.id });
    const done = await publisher.client.raw(update, { m: model.slug, i: { visibility: "PRIVATE" } });
    expect(done.body.errors).toBeUndefined();
    const entry = await api.db.prisma.auditLog.findFirstOrThrow({
      where: { action: "model.updated", targetId: model.id },
      orderBy: { createdAt: "desc" },
    });
    expect(entry.metadata).toEqual({ changes: { visibility: { from: "PUBLIC", to: "PRIVATE" } } });
  });

  it("security: another tenant can do none of it: every lifecycle mutation is NOT_FOUND, and nothing changes", async () => {
    const { model } = await setUp();
    const other = await signUpTenant(api, "Other Publisher");
    const upload = await other.client.uploadArtifact(tinyTextModel(), { fileName: "x.onnx" });
    const planId = model.plans[0]?.id;
    const attempts: [string, Record<string, unknown>][] = [
      [PUBLISH_VERSION, { m: model.slug, i: { version: "9.0.0", artifactId: upload.body.id } }],
      [`mutation($m: String!) { deprecateVersion(model: $m, version: "1.0.0") { id } }`, { m: model.slug }],
      [`mutation($m: String!) { yankVersion(model: $m, version: "1.0.0") { id } }`, { m: model.slug }],
      [`mutation($m: String!) { updateModel(model: $m, input: { description: "pwned" }) { id } }`, { m: model.slug }],
      [
        `mutation($m: String!, $p: PlanInput!) { addPlan(model: $m, plan: $p) { id } }`,
        { m: model.slug, p: { ...FREE_PLAN, name: "Evil" } },
      ],
      [`mutation($m: String!, $p: ID!) { retirePlan(model: $m, planId: $p) { id } }`, { m: model.slug, p: planId }],
      [`mutation($m: String!) { unpublishModel(model: $m) { id } }`, { m: model.slug }],
    ];
    for (const [query, variables] of attempts) {
      expect(errorCode((await other.client.raw(query, variables)).body), query).toBe("NOT_FOUND");
    }
    const row = await api.db.prisma.model.findUniqueOrThrow({
      where: { slug: model.slug },
      include: { versions: true, plans: true },
    });
    expect(row.description).not.toBe("pwned");
    expect(row.unpublishedAt).toBeNull();
    expect(row.versions.map((v) => [v.version, v.deprecatedAt, v.yankedAt])).toEqual([["1.0.0", null, null]]);
    expect(row.plans.every((p) => p.archivedAt === null && p.name !== "Evil")).toBe(true);
  });
});

describe("examples", () => {
  it("error: a version whose example the model answers differently is refused, naming the example and the answer", async () => {
    const { model, consumer } = await setUp();
    const answer = (await consumer.client.request<{ classifyText: { label: string }[] }>(CLASSIFY, { m: model.slug }))
      .classifyText[0]?.label as string;
    const wrong = ["a", "b", "c"].find((l) => l !== answer) as string;
    // The same model (seed 1) as 1.0.0: its answer is known.
    const refused = await newVersion(
      model.slug,
      "1.1.0",
      { examples: [{ name: "greeting", text: "hello world", expect: { label: wrong } }] },
      1,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(refused.errors?.[0]?.extensions?.field).toBe("examples");
    expect(refused.errors?.[0]?.message).toContain(
      `example "greeting" expected "${wrong}" but the model answered "${answer}"`,
    );
    const accepted = await newVersion(
      model.slug,
      "1.1.0",
      { examples: [{ name: "greeting", text: "hello world", expect: { label: answer } }] },
      1,
    );
    expect(accepted.errors).toBeUndefined();
    const view = await api.client.request<{ model: { latestVersion: { version: string } } }>(MODEL, { s: model.slug });
    expect(view.model.latestVersion.version).toBe("1.1.0");
    // Malformed examples are refused with the field.
    const malformed = await newVersion(model.slug, "1.2.0", { examples: [{ text: "x", expect: {} }] }, 1);
    expect(malformed.errors?.[0]?.extensions?.field).toBe("examples");
  });
});

describe("task registry", () => {
  it("happy: the tasks query serves each task's name, operation, playground, assets and a preprocessing start", async () => {
    const { tasks } = await api.client.request<{
      tasks: {
        task: string;
        displayName: string;
        operation: string;
        playground: string;
        assets: { role: string; required: boolean }[];
        preprocessingExample: string;
        moreOperations: string[];
      }[];
    }>(
      `{ tasks { task displayName operation moreOperations playground assets { role required } preprocessingExample } }`,
    );
    expect(tasks.map((t) => t.task)).toEqual([
      "TEXT_CLASSIFICATION",
      "TEXT_EMBEDDING",
      "IMAGE_CLASSIFICATION",
      "OBJECT_DETECTION",
      "RECOMMENDATION",
      "IMAGE_EMBEDDING",
      "TEXT_GENERATION",
      "IMAGE_SEGMENTATION",
      "FACE_EMBEDDING",
      "FACE_DETECTION",
    ]);
    expect(tasks.find((t) => t.task === "IMAGE_EMBEDDING")).toMatchObject({
      operation: "embedImage",
      playground: "image-vector",
      assets: [],
    });
    expect(tasks.find((t) => t.task === "RECOMMENDATION")?.moreOperations).toEqual(["similarItems"]);
    expect(tasks.find((t) => t.task === "IMAGE_SEGMENTATION")).toMatchObject({
      operation: "segmentImage",
      moreOperations: [],
      playground: "image-mask",
    });
    const detection = tasks.find((t) => t.task === "OBJECT_DETECTION");
    expect(detection).toMatchObject({ operation: "detectObjects", playground: "image-boxes" });
    expect(detection?.assets).toEqual([{ role: "labels", required: true }]);
    // Every example declaration parses as JSON (the wizard pre-fills it).
    for (const t of tasks) if (t.preprocessingExample) expect(() => JSON.parse(t.preprocessingExample)).not.toThrow();
    expect(tasks.find((t) => t.task === "TEXT_CLASSIFICATION")?.assets.map((a) => a.role)).toContain("tokenizer");
  });
});
