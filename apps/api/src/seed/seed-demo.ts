import fs from "node:fs";
import path from "node:path";
import { newId, scopesOfRole } from "@modelmarket/domain";
import { buildCached, ZOO, type ZooModel, zooMetrics } from "@modelmarket/model-zoo";
import { hashPassword, verifyPassword } from "../auth/password";
import type { Principal } from "../auth/principal";
import type { AppServices } from "../services";
import { createOrganisation } from "../use-cases/accounts/support/new-organisation";
import { uploadArtifact } from "../use-cases/artifacts/upload-artifact";
import { publishModel } from "../use-cases/catalog/publish-model";

export const DEMO_TENANT_SLUG = "modelmarket";
export const DEMO_EMAIL = "demo@modelmarket.dev";

/**
 * Idempotent demo data: the "modelmarket" publisher with a demo account, and the models
 * the platform ships, published through the same path as any tenant's.
 */
export async function seedDemo(services: AppServices): Promise<{ email: string; password: string; models: string[] }> {
  const { db, env } = services;
  let user = await db.user.findUnique({ where: { email: DEMO_EMAIL } });
  let tenant = await db.tenant.findUnique({ where: { slug: DEMO_TENANT_SLUG } });
  if (!user || !tenant) {
    const passwordHash = await hashPassword(env.DEMO_PASSWORD);
    ({ user, tenant } = await db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { id: newId("user"), email: DEMO_EMAIL, passwordHash } });
      const tenant = await createOrganisation(tx, user.id, { name: "Modelmarket", slug: DEMO_TENANT_SLUG });
      return { user, tenant };
    }));
  } else if (!(await verifyPassword(user.passwordHash, env.DEMO_PASSWORD))) {
    // DEMO_PASSWORD changed since the last start: the printed credentials must work.
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(env.DEMO_PASSWORD) } });
  }
  const principal: Principal = {
    kind: "user",
    userId: user.id,
    tenantId: tenant.id,
    role: "OWNER",
    scopes: scopesOfRole("OWNER"),
  };
  const published: string[] = [];
  for (const entry of ZOO) {
    const slug = `${DEMO_TENANT_SLUG}/${entry.name}`;
    // Built (and trained) only when missing, so a normal start does no model work.
    if (!(await db.model.findUnique({ where: { slug } }))) {
      // Said as it happens: on a first start this is most of the wait.
      const started = Date.now();
      services.logger.info({ model: slug }, "building and publishing a shipped model (first start only)…");
      await publishZooModel(services, principal, await buildCached(entry, path.join(env.dataDir, "model-zoo")));
      services.logger.info(
        { model: slug, seconds: Math.round((Date.now() - started) / 100) / 10 },
        "shipped model ready",
      );
    }
    published.push(slug);
  }
  return { email: DEMO_EMAIL, password: env.DEMO_PASSWORD, models: published };
}

async function publishZooModel(services: AppServices, principal: Principal, zoo: ZooModel): Promise<void> {
  const upload = (file: string, kind: "model" | "asset") =>
    uploadArtifact(services, principal, {
      body: fs.createReadStream(file),
      kind,
      fileName: path.basename(file),
      declaredLength: fs.statSync(file).size,
    });
  const artifact = await upload(zoo.modelPath, "model");
  const assets: Record<string, string> = {};
  for (const [role, file] of Object.entries(zoo.assetPaths)) assets[role] = (await upload(file, "asset")).id;
  const quality = zooMetrics(zoo.name, zoo.evaluation);
  await publishModel(services, principal, {
    name: zoo.name,
    description: zoo.description,
    task: zoo.task,
    visibility: "PUBLIC",
    tags: zoo.tags,
    artifactId: artifact.id,
    version: zoo.version,
    assets,
    card: zoo.card,
    evaluation: zoo.evaluation,
    // Measured by the platform at build, so published as PLATFORM figures.
    metrics: quality.metrics,
    headlineMetric: quality.headline,
    metricsSource: "PLATFORM",
    plans: zoo.plans,
  });
}
