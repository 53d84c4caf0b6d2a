import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { kustomizeLayout } from "./kustomize-layout.js";
import { renderManifests, validateObject } from "./render.js";

const images = { api: "r/api:1", web: "r/web:1", inference: "r/inference:1", inferenceGpu: "r/inference-gpu:1" };
const objects = renderManifests({
  images,
  tenants: [
    { slug: "acme", gpuMemory: "16Gi" },
    { slug: "globex", gpuResource: "nvidia.com/mig-1g.18gb", replicas: 2 },
  ],
  sharedGpuPool: { mode: "time-slicing", tenantMemory: "8Gi", replicasPerGpu: 4 },
});
const json = objects.map((o) => JSON.parse(JSON.stringify(o)));
const inNs = (ns: string) => json.filter((o) => o.metadata?.namespace === ns);
const containers = (o: { spec?: { template?: { spec?: { containers?: unknown[] } } } }) =>
  (o.spec?.template?.spec?.containers ?? []) as Record<string, any>[];

describe("Kubernetes manifests", () => {
  it("happy: every object validates against the Kubernetes schemas", () => {
    for (const o of objects) expect(() => validateObject(o), `${o.kind} ${o.metadata?.name}`).not.toThrow();
    expect(json.filter((o) => o.kind === "HorizontalPodAutoscaler").map((o) => o.metadata.name)).toEqual([
      "api",
      "web",
      "inference",
    ]);
    expect(json.filter((o) => o.kind === "PodDisruptionBudget")).toHaveLength(3);
  });

  it("security: each dedicated tenant's namespace has a quota, default limits, default-deny and only-the-API ingress", () => {
    for (const slug of ["acme", "globex"]) {
      const ns = `mm-tenant-${slug}`;
      const objs = inNs(ns);
      expect(objs.some((o) => o.kind === "ResourceQuota")).toBe(true);
      expect(objs.some((o) => o.kind === "LimitRange")).toBe(true);
      const deny = objs.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "default-deny");
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
      const allow = objs.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "allow-api");
      expect(allow.spec.policyTypes).toEqual(["Ingress"]);
      expect(allow.spec.ingress[0].from[0].podSelector.matchLabels).toEqual({ app: "api" });
      expect(json.find((o) => o.kind === "Namespace" && o.metadata.name === ns).metadata.labels).toMatchObject({
        "pod-security.kubernetes.io/enforce": "restricted",
      });
    }
  });

  it("security: no privileged or root container, limits on every container, secrets only by reference", () => {
    for (const o of json.filter((x) => x.kind === "Deployment" || x.kind === "Job")) {
      for (const c of containers(o)) {
        expect(c.securityContext.privileged).toBeUndefined();
        expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false });
        expect(c.resources.limits.cpu && c.resources.limits.memory).toBeTruthy();
        for (const e of c.env)
          expect(e.value === undefined || !/secret|password|postgres:\/\//i.test(e.value)).toBe(true);
      }
    }
    expect(json.some((o) => o.kind === "Secret")).toBe(false);
    // Inference pods (shared or dedicated) get the tier's shared secret and nothing else secret.
    for (const o of json.filter((x) => x.kind === "Deployment" && x.metadata.name === "inference")) {
      const secrets = containers(o)[0]?.env.filter((e: { valueFrom?: unknown }) => e.valueFrom);
      expect(secrets.map((e: { name: string }) => e.name)).toEqual(["INFERENCE_SHARED_SECRET"]);
    }
  });

  it("happy: tenant pools ask for their GPU (whole or MIG slice) and land on GPU nodes", () => {
    const acme = containers(inNs("mm-tenant-acme").find((o) => o.kind === "Deployment"))[0];
    expect(acme?.resources.limits["nvidia.com/gpu"]).toBe("1");
    const globex = inNs("mm-tenant-globex").find((o) => o.kind === "Deployment");
    expect(containers(globex)[0]?.resources.limits["nvidia.com/mig-1g.18gb"]).toBe("1");
    expect(globex.spec.template.spec.tolerations[0].key).toBe("nvidia.com/gpu");
    expect(globex.spec.template.spec.nodeSelector).toEqual({ "modelmarket.dev/pool": "gpu" });
  });

  it("happy: GPU pools run the GPU image; a dedicated pool is exclusive with its tenant's memory cap", () => {
    const env = (o: Record<string, any>) =>
      Object.fromEntries(containers(o)[0]?.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    const acme = inNs("mm-tenant-acme").find((o) => o.kind === "Deployment");
    expect(containers(acme)[0]?.image).toBe("r/inference-gpu:1");
    expect(env(acme)).toMatchObject({
      INFERENCE_EXECUTION_PROVIDER: "cuda",
      INFERENCE_GPU_SHARING: "exclusive",
      INFERENCE_GPU_MEMORY_BYTES: String(16 * 1024 ** 3),
    });
    const shared = inNs("modelmarket").find(
      (o) => o.kind === "Deployment" && o.metadata.name === "inference-gpu-shared",
    );
    expect(containers(shared)[0]?.image).toBe("r/inference-gpu:1");
    expect(env(shared)).toMatchObject({
      INFERENCE_GPU_SHARING: "time-slicing",
      INFERENCE_GPU_MEMORY_BYTES: String(8 * 1024 ** 3),
    });
    expect(shared.spec.template.spec.nodeSelector).toEqual({ "modelmarket.dev/pool": "gpu-shared" });
    // The device plugin's sharing config: each GPU advertised 4 times.
    const config = inNs("modelmarket").find(
      (o) => o.kind === "ConfigMap" && o.metadata.name === "nvidia-device-plugin-sharing",
    );
    expect(JSON.parse(config.data["config.yaml"]).sharing.timeSlicing.resources).toEqual([
      { name: "nvidia.com/gpu", replicas: 4 },
    ]);
    // The CPU pool keeps the CPU image.
    const cpu = inNs("modelmarket").find((o) => o.kind === "Deployment" && o.metadata.name === "inference");
    expect(containers(cpu)[0]?.image).toBe("r/inference:1");
  });

  it("happy: a dedicated CPU pool's pods have the tenant's cores as request and limit (Guaranteed), on the CPU image", () => {
    const objects = renderManifests({ images, tenants: [{ slug: "initech", gpuResource: "cpu", cpu: "3" }] });
    for (const o of objects) expect(() => validateObject(o)).not.toThrow();
    const rendered = objects.map((o) => JSON.parse(JSON.stringify(o)));
    const pool = rendered.find((o) => o.metadata?.namespace === "mm-tenant-initech" && o.kind === "Deployment");
    const c = containers(pool)[0] as Record<string, any>;
    expect(c.image).toBe("r/inference:1");
    expect(c.resources.requests.cpu).toBe("3");
    expect(c.resources.limits.cpu).toBe("3");
    expect(c.resources.requests.memory).toBe(c.resources.limits.memory);
    expect(JSON.stringify(c.resources)).not.toContain("nvidia");
    expect(pool.spec.template.spec.nodeSelector).toBeUndefined();
    const env = Object.fromEntries(c.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    expect(env.INFERENCE_EXECUTION_PROVIDER).toBe("cpu");
    // The namespace's quota holds two such pods (a rolling update) and no GPU.
    const quota = rendered.find((o) => o.metadata?.namespace === "mm-tenant-initech" && o.kind === "ResourceQuota");
    expect(quota.spec.hard["requests.cpu"]).toBe("6");
    expect(Object.keys(quota.spec.hard).some((k) => k.includes("nvidia"))).toBe(false);
    expect(() => renderManifests({ images, tenants: [{ slug: "initech", gpuResource: "cpu", cpu: "lots" }] })).toThrow(
      /not a CPU quantity/,
    );
  });

  it("happy: an MPS pool gives each tenant worker its SM share; bad quantities are refused", () => {
    const mps = renderManifests({
      images,
      tenants: [],
      sharedGpuPool: { mode: "mps", tenantMemory: "4Gi", computePercent: 30 },
    });
    for (const o of mps) expect(() => validateObject(o)).not.toThrow();
    const plain = mps.map((o) => JSON.parse(JSON.stringify(o)));
    const config = plain.find((o) => o.kind === "ConfigMap");
    expect(JSON.parse(config.data["config.yaml"]).sharing.mps.resources[0].replicas).toBe(4);
    const shared = plain.find((o) => o.metadata?.name === "inference-gpu-shared" && o.kind === "Deployment");
    expect(containers(shared)[0]?.env).toEqual(
      expect.arrayContaining([
        { name: "INFERENCE_GPU_SHARING", value: "mps" },
        { name: "INFERENCE_GPU_COMPUTE_PERCENT", value: "30" },
      ]),
    );
    expect(() =>
      renderManifests({ images, tenants: [], sharedGpuPool: { mode: "mps", tenantMemory: "lots" } }),
    ).toThrow(/not a memory quantity/);
  });

  it("error: the validation is real: an object that breaks its schema is refused", async () => {
    const { Deployment } = await import("kubernetes-models/apps/v1");
    const broken = new Deployment({
      metadata: { name: "x" },
      spec: { replicas: "two" as never, selector: {}, template: {} },
    });
    expect(() => validateObject(broken)).toThrow(/replicas must be integer/);
  });

  it("happy: every inference pod reads models from the shared store; only the API writes; a Job migrates", () => {
    const mounts = (o: Record<string, any>) => containers(o)[0]?.volumeMounts as { name: string; readOnly?: boolean }[];
    for (const ns of ["modelmarket", "mm-tenant-acme", "mm-tenant-globex"]) {
      const inference = inNs(ns).find((o) => o.kind === "Deployment" && o.metadata.name === "inference");
      expect(mounts(inference).find((m) => m.name === "artifacts")?.readOnly).toBe(true);
      const claim = inNs(ns).find((o) => o.kind === "PersistentVolumeClaim");
      const volume = json.find((o) => o.kind === "PersistentVolume" && o.metadata.name === claim.spec.volumeName);
      expect(volume.spec.nfs.server).toBe("nfs.modelmarket.internal");
      expect(volume.spec.claimRef).toEqual({ namespace: ns, name: "artifacts" });
    }
    const api = inNs("modelmarket").find((o) => o.kind === "Deployment" && o.metadata.name === "api");
    expect(mounts(api).find((m) => m.name === "artifacts")?.readOnly).toBe(false);
    const job = inNs("modelmarket").find((o) => o.kind === "Job");
    expect(job.metadata.name).toBe("migrate-1");
    expect(containers(job)[0]?.command).toEqual(["node", "node_modules/prisma/build/index.js", "migrate", "deploy"]);
    expect(containers(job)[0]?.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  it("happy: the portal knows its public URLs and its probes never depend on the API", () => {
    const web = inNs("modelmarket").find((o) => o.kind === "Deployment" && o.metadata.name === "web");
    const c = containers(web)[0] as Record<string, any>;
    expect(c.env.map((e: { name: string }) => e.name)).toEqual(
      expect.arrayContaining(["API_URL", "NEXTAUTH_URL", "PUBLIC_API_URL", "NEXTAUTH_SECRET", "PROXY_SHARED_SECRET"]),
    );
    expect([c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path]).toEqual(["/icon.svg", "/api/auth/providers"]);
    expect(c.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toContain("/app/apps/web/.next/cache");
  });

  it("happy: infra/k8s/example is what the renderer writes today (a Kustomize base + one folder per tenant)", () => {
    const registry = "ghcr.io/modelmarket";
    const example = renderManifests({
      images: {
        api: `${registry}/api:0.1.0`,
        web: `${registry}/web:0.1.0`,
        inference: `${registry}/inference:0.1.0`,
        inferenceGpu: `${registry}/inference-gpu:0.1.0`,
      },
      tenants: [{ slug: "acme" }, { slug: "globex", gpuResource: "nvidia.com/mig-1g.18gb" }],
    });
    const dir = path.join(__dirname, "..", "k8s", "example");
    const files = kustomizeLayout(example, "modelmarket");
    expect([...files.keys()].sort()).toEqual([
      "base/kustomization.yaml",
      "base/manifests.yaml",
      "kustomization.yaml",
      "modelmarket.yaml",
      "tenants/acme/kustomization.yaml",
      "tenants/acme/manifests.yaml",
      "tenants/globex/kustomization.yaml",
      "tenants/globex/manifests.yaml",
    ]);
    for (const [file, content] of files) {
      // Out of date? npm run k8s:render -- --tenants acme,globex:nvidia.com/mig-1g.18gb --image-tag 0.1.0 --out infra/k8s/example
      expect(fs.readFileSync(path.join(dir, file), "utf8"), file).toBe(content);
    }
    // Every tenant object is in its tenant's folder, nothing of a tenant in the base.
    expect(files.get("base/manifests.yaml")).not.toContain("mm-tenant-");
    expect(files.get("tenants/globex/manifests.yaml")).toContain("nvidia.com/mig-1g.18gb");
  });

  it("error: a tenant slug that is not DNS-safe is refused", () => {
    expect(() => renderManifests({ images, tenants: [{ slug: "Bad_Slug" }] })).toThrow(/not DNS-safe/);
  });
});
