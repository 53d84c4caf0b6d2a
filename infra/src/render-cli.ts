// `npm run k8s:render -- --tenants acme,globex:nvidia.com/mig-1g.18gb:16Gi [--out infra/k8s/rendered]
//   [--shared-gpu-pool time-slicing:8Gi[:4]] [--image-tag 0.1.0] [--registry r] [--artifacts-nfs server:/export]
//   [--web-url https://portal --api-url https://api]`: writes the manifests of a deployment with those dedicated tenants
// (tenant[:gpu resource[:gpu memory cap]], or tenant:cpu[:cores] for a CPU pool) and optionally a shared GPU pool (mode:tenant memory[:pods per GPU])
// as a Kustomize layout (base/, tenants/<slug>/, kustomization.yaml) plus one all-in-one
// modelmarket.yaml, or prints the latter.
import fs from "node:fs";
import path from "node:path";
import { kustomizeLayout } from "./kustomize-layout.js";
import { type DedicatedTenant, renderManifests } from "./render.js";

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const tenants: DedicatedTenant[] = (arg("tenants") ?? "")
  .split(",")
  .filter(Boolean)
  .map((spec) => {
    const [slug, gpuResource, third] = spec.split(":") as [string, string | undefined, string | undefined];
    // slug:cpu:<cores> is a CPU pool of that many cores per pod; otherwise the third part is a GPU memory cap.
    if (gpuResource === "cpu") return { slug, gpuResource, ...(third ? { cpu: third } : {}) };
    return { slug, ...(gpuResource ? { gpuResource } : {}), ...(third ? { gpuMemory: third } : {}) };
  });
const shared = arg("shared-gpu-pool");
const [sharedMode, tenantMemory, perGpu] = (shared ?? "").split(":");
if (shared && (!["time-slicing", "mps"].includes(sharedMode ?? "") || !tenantMemory)) {
  throw new Error(`--shared-gpu-pool must look like time-slicing:8Gi[:4] or mps:8Gi[:4], not "${shared}"`);
}
const tag = arg("image-tag") ?? "latest";
const registry = arg("registry") ?? "ghcr.io/modelmarket";
const nfs = arg("artifacts-nfs");
const [nfsServer, ...nfsPath] = (nfs ?? "").split(":");
if (nfs && (!nfsServer || !nfsPath.join(":").startsWith("/"))) {
  throw new Error(`--artifacts-nfs must look like server:/export, not "${nfs}"`);
}
const objects = renderManifests({
  images: {
    api: `${registry}/api:${tag}`,
    web: `${registry}/web:${tag}`,
    inference: `${registry}/inference:${tag}`,
    inferenceGpu: `${registry}/inference-gpu:${tag}`,
  },
  tenants,
  ...(shared
    ? {
        sharedGpuPool: {
          mode: sharedMode as "time-slicing" | "mps",
          tenantMemory: tenantMemory as string,
          ...(perGpu ? { replicasPerGpu: Number(perGpu) } : {}),
        },
      }
    : {}),
  ...(nfs ? { artifactsNfs: { server: nfsServer as string, path: nfsPath.join(":") } } : {}),
  ...(arg("web-url") && arg("api-url")
    ? { publicUrls: { web: arg("web-url") as string, api: arg("api-url") as string } }
    : {}),
});
const out = arg("out");
const files = kustomizeLayout(objects, "modelmarket");
if (out) {
  for (const [file, content] of files) {
    fs.mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
    fs.writeFileSync(path.join(out, file), content);
  }
  console.log(
    `${objects.length} objects → ${out} (kubectl apply -k ${out}, or -f ${path.join(out, "modelmarket.yaml")})`,
  );
} else {
  process.stdout.write(files.get("modelmarket.yaml") as string);
}
