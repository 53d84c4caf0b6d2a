import { stringify } from "yaml";
import type { K8sObject } from "./render.js";

/**
 * Splits rendered objects into a Kustomize layout, as file path → content:
 *   base/                 the platform namespace (api, web, shared inference pool, migrations Job)
 *   tenants/<slug>/       one dedicated tenant's namespace and GPU pool
 *   kustomization.yaml    base + every tenant: `kubectl apply -k <dir>`
 *   modelmarket.yaml      the same objects in one file: `kubectl apply -f`
 * A tenant is added or removed by editing the top kustomization (or rendering again).
 */
export function kustomizeLayout(objects: K8sObject[], platformNamespace: string): Map<string, string> {
  const groups = new Map<string, K8sObject[]>();
  const add = (dir: string, o: K8sObject) => groups.set(dir, [...(groups.get(dir) ?? []), o]);
  for (const o of objects) add(directoryOf(o, platformNamespace), o);
  const files = new Map<string, string>();
  const toYaml = (list: K8sObject[]) => list.map((o) => stringify(JSON.parse(JSON.stringify(o)))).join("---\n");
  for (const [dir, list] of groups) {
    files.set(`${dir}/manifests.yaml`, toYaml(list));
    files.set(
      `${dir}/kustomization.yaml`,
      stringify({
        apiVersion: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources: ["manifests.yaml"],
      }),
    );
  }
  files.set(
    "kustomization.yaml",
    stringify({
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: [...groups.keys()].sort((a, b) => (a === "base" ? -1 : b === "base" ? 1 : a.localeCompare(b))),
    }),
  );
  files.set("modelmarket.yaml", toYaml(objects));
  return files;
}

function directoryOf(o: K8sObject, platformNamespace: string): string {
  const raw = o as K8sObject & { spec?: { claimRef?: { namespace?: string } } };
  // Namespaces and PersistentVolumes are cluster-scoped: file them with the namespace they serve.
  const ns =
    o.kind === "Namespace"
      ? o.metadata?.name
      : o.kind === "PersistentVolume"
        ? raw.spec?.claimRef?.namespace
        : o.metadata?.namespace;
  if (!ns || ns === platformNamespace) return "base";
  return `tenants/${ns.replace(/^mm-tenant-/, "")}`;
}
