// `npm run k8s:render -- --tenants acme,globex:nvidia.com/mig-1g.18gb [--out infra/k8s/rendered]
//   [--image-tag 0.1.0] [--registry r] [--artifacts-nfs server:/export]
//   [--web-url https://portal --api-url https://api]`: writes the manifests of a deployment with those dedicated tenants
// (tenant[:gpu resource]) as one multi-document YAML file, or prints it.
import fs from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
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
    const [slug, gpuResource] = spec.split(":") as [string, string | undefined];
    return { slug, ...(gpuResource ? { gpuResource } : {}) };
  });
const tag = arg("image-tag") ?? "latest";
const registry = arg("registry") ?? "ghcr.io/modelmarket";
const nfs = arg("artifacts-nfs");
const [nfsServer, ...nfsPath] = (nfs ?? "").split(":");
if (nfs && (!nfsServer || !nfsPath.join(":").startsWith("/"))) {
  throw new Error(`--artifacts-nfs must look like server:/export, not "${nfs}"`);
}
const objects = renderManifests({
  images: { api: `${registry}/api:${tag}`, web: `${registry}/web:${tag}`, inference: `${registry}/inference:${tag}` },
  tenants,
  ...(nfs ? { artifactsNfs: { server: nfsServer as string, path: nfsPath.join(":") } } : {}),
  ...(arg("web-url") && arg("api-url")
    ? { publicUrls: { web: arg("web-url") as string, api: arg("api-url") as string } }
    : {}),
});
const yamlText = objects.map((o) => stringify(JSON.parse(JSON.stringify(o)))).join("---\n");
const out = arg("out");
if (out) {
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "modelmarket.yaml"), yamlText);
  console.log(`${objects.length} objects → ${path.join(out, "modelmarket.yaml")}`);
} else {
  process.stdout.write(yamlText);
}
