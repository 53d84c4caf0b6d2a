import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Job } from "kubernetes-models/batch/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import {
  ConfigMap,
  LimitRange,
  Namespace,
  PersistentVolume,
  PersistentVolumeClaim,
  ResourceQuota,
  Service,
} from "kubernetes-models/v1";

/** A tenant on a dedicated plan: its own namespace and GPU inference pool. */
export interface DedicatedTenant {
  /** Tenant slug (DNS-safe): the namespace is `mm-tenant-<slug>`. */
  slug: string;
  /**
   * Whole GPUs (`nvidia.com/gpu`), a MIG slice such as `nvidia.com/mig-1g.18gb`, or `cpu`: a
   * CPU pool whose pods get `cpu` cores as both request and limit (Guaranteed QoS), so this
   * tenant's workers have those cores and never take more.
   */
  gpuResource?: string;
  /** CPU cores of each of the pool's pods, as request = limit (default 2 on CPU pools; GPU pools: request 2, limit 4). */
  cpu?: string;
  gpus?: number;
  replicas?: number;
  /** The tenant worker's device-memory cap, e.g. "16Gi" (INFERENCE_GPU_MEMORY_BYTES); none by default. */
  gpuMemory?: string;
}

/**
 * One GPU pool shared by several tenants (the tier isolates them as processes; docs/deploy.md):
 * - time-slicing: the NVIDIA device plugin advertises each GPU `replicasPerGpu` times; no
 *   memory isolation in hardware, so the tier's watch stops a tenant worker past `tenantMemory`;
 * - mps: the device plugin runs an MPS server per GPU; each tenant worker gets a pinned memory
 *   limit (`tenantMemory`) and a share of the SMs (`computePercent`), enforced by MPS.
 * Tenants are routed to it with `npm run tenant:pool` (the API's tenant router), like dedicated pools.
 */
export interface SharedGpuPool {
  mode: "time-slicing" | "mps";
  /** GPUs (device plugin replicas) per pod. */
  gpus?: number;
  replicas?: number;
  /** How many pods may share one physical GPU (the device plugin's `replicas`). */
  replicasPerGpu?: number;
  /** Each tenant worker's device-memory cap, e.g. "8Gi". */
  tenantMemory: string;
  /** mps: each tenant worker's share of the SMs (1–100). */
  computePercent?: number;
}

export interface RenderOptions {
  /** Container images, built from infra/docker. */
  images: { api: string; web: string; inference: string; inferenceGpu: string };
  /** A GPU pool shared by several tenants, besides the dedicated ones (none by default). */
  sharedGpuPool?: SharedGpuPool;
  namespace?: string;
  tenants: DedicatedTenant[];
  /**
   * The NFS export holding the content-addressed model store (DATA_DIR/artifacts): the API
   * writes uploads there, every inference pod (shared or dedicated) reads models from it.
   * Default: `nfs.modelmarket.internal:/modelmarket/artifacts`.
   */
  artifactsNfs?: { server: string; path: string };
  /** Size of the model store as the volume claims announce it. */
  artifactsSize?: string;
  /** Public addresses (behind your ingress): the portal's (NEXTAUTH_URL) and the API's (shown in snippets). */
  publicUrls?: { web: string; api: string };
}

export type K8sObject = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } };

/** Validates an object against the Kubernetes JSON schema of its kind (throws when invalid). */
export function validateObject(o: K8sObject): void {
  (o as unknown as { validate(): void }).validate();
}

const SECRET = "modelmarket-secrets";
const PLATFORM_LABEL = { "app.kubernetes.io/part-of": "modelmarket" };

/** Pod Security "restricted" for a namespace, enforced by the API server. */
function restrictedNamespace(name: string, extraLabels: Record<string, string> = {}): Namespace {
  return new Namespace({
    metadata: {
      name,
      labels: {
        ...PLATFORM_LABEL,
        ...extraLabels,
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
    },
  });
}

/** Secrets are referenced by name and key, never inlined in a manifest. */
function secretEnv(name: string, key: string) {
  return { name, valueFrom: { secretKeyRef: { name: SECRET, key } } };
}

const securityContext = {
  runAsNonRoot: true,
  runAsUser: 10001,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" as const },
};

function probes(port: number, live: string, ready: string) {
  return {
    livenessProbe: { httpGet: { path: live, port }, periodSeconds: 10, failureThreshold: 3 },
    readinessProbe: { httpGet: { path: ready, port }, periodSeconds: 5, failureThreshold: 2 },
    startupProbe: { httpGet: { path: live, port }, periodSeconds: 5, failureThreshold: 60 },
  };
}

/** An inference pod needs the shared secret only (no database, no session key): least privilege. */
function inferenceEnv(provider: "cpu" | "cuda") {
  return [
    { name: "NODE_ENV", value: "production" },
    { name: "INFERENCE_HOST", value: "0.0.0.0" },
    { name: "DATA_DIR", value: "/tmp/modelmarket" },
    { name: "INFERENCE_EXECUTION_PROVIDER", value: provider },
    secretEnv("INFERENCE_SHARED_SECRET", "inference-shared-secret"),
  ];
}

/** Where the model store is mounted: DATA_DIR (/tmp/modelmarket) + /artifacts. */
const ARTIFACTS_MOUNT = "/tmp/modelmarket/artifacts";

/**
 * The model store, seen from one namespace: a PersistentVolume on the NFS export bound to a
 * claim named `artifacts`. The API mounts it read-write (uploads), inference pods read-only.
 * The NFS mount is made by the kubelet on the node, so a namespace's default-deny egress does
 * not block it.
 */
function artifactsVolume(namespace: string, options: RenderOptions, readOnly: boolean) {
  const nfs = options.artifactsNfs ?? { server: "nfs.modelmarket.internal", path: "/modelmarket/artifacts" };
  const size = options.artifactsSize ?? "500Gi";
  const accessModes: ("ReadOnlyMany" | "ReadWriteMany")[] = [readOnly ? "ReadOnlyMany" : "ReadWriteMany"];
  const pvName = `mm-artifacts-${namespace}`;
  return [
    new PersistentVolume({
      metadata: { name: pvName, labels: PLATFORM_LABEL },
      spec: {
        capacity: { storage: size },
        accessModes,
        persistentVolumeReclaimPolicy: "Retain",
        storageClassName: "",
        nfs: { server: nfs.server, path: nfs.path, readOnly },
        claimRef: { namespace, name: "artifacts" },
      },
    }),
    new PersistentVolumeClaim({
      metadata: { name: "artifacts", namespace, labels: PLATFORM_LABEL },
      spec: { accessModes, storageClassName: "", volumeName: pvName, resources: { requests: { storage: size } } },
    }),
  ];
}

function deployment(args: {
  name: string;
  namespace: string;
  image: string;
  port: number;
  replicas: number;
  env: { name: string; value?: string; valueFrom?: unknown }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  live: string;
  ready: string;
  pod?: Record<string, unknown>;
  /** Mount the model store (claim `artifacts`), read-only unless "rw". */
  artifacts?: "ro" | "rw";
  /** More writable directories (emptyDir) besides /tmp, e.g. Next.js's cache. */
  scratch?: string[];
}): Deployment {
  const labels = { app: args.name, ...PLATFORM_LABEL };
  return new Deployment({
    metadata: { name: args.name, namespace: args.namespace, labels },
    spec: {
      replicas: args.replicas,
      selector: { matchLabels: { app: args.name } },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: args.name,
              image: args.image,
              ports: [{ containerPort: args.port, name: "http" }],
              env: args.env as never,
              resources: args.resources,
              securityContext,
              // Writable scratch (model files, temp) on an emptyDir: the root filesystem stays read-only.
              volumeMounts: [
                { name: "scratch", mountPath: "/tmp" },
                ...(args.scratch ?? []).map((mountPath, i) => ({ name: `scratch-${i}`, mountPath })),
                ...(args.artifacts
                  ? [{ name: "artifacts", mountPath: ARTIFACTS_MOUNT, readOnly: args.artifacts === "ro" }]
                  : []),
              ],
              ...probes(args.port, args.live, args.ready),
            },
          ],
          volumes: [
            { name: "scratch", emptyDir: { sizeLimit: "2Gi" } },
            ...(args.scratch ?? []).map((_, i) => ({ name: `scratch-${i}`, emptyDir: { sizeLimit: "1Gi" } })),
            ...(args.artifacts
              ? [
                  {
                    name: "artifacts",
                    persistentVolumeClaim: { claimName: "artifacts", readOnly: args.artifacts === "ro" },
                  },
                ]
              : []),
          ],
          ...args.pod,
        },
      },
    },
  });
}

/**
 * `prisma migrate deploy` once per release, with the API image; the API refuses to start while
 * migrations are pending, so new pods wait for this Job. Named after the image so that each
 * release gets its own (a Job's template is immutable).
 */
function migrationsJob(namespace: string, apiImage: string): Job {
  const release = (apiImage.split(":").pop() ?? "latest")
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 40);
  return new Job({
    metadata: { name: `migrate-${release}`.replace(/-+$/, ""), namespace, labels: PLATFORM_LABEL },
    spec: {
      backoffLimit: 3,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels: { app: "migrate", ...PLATFORM_LABEL } },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: "migrate",
              image: apiImage,
              command: ["node", "node_modules/prisma/build/index.js", "migrate", "deploy"],
              env: [{ name: "HOME", value: "/tmp" }, secretEnv("DATABASE_URL", "database-url")],
              resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
              securityContext,
              volumeMounts: [{ name: "scratch", mountPath: "/tmp" }],
            },
          ],
          volumes: [{ name: "scratch", emptyDir: { sizeLimit: "256Mi" } }],
        },
      },
    },
  });
}

function service(name: string, namespace: string, port: number): Service {
  return new Service({
    metadata: { name, namespace, labels: PLATFORM_LABEL },
    spec: { selector: { app: name }, ports: [{ name: "http", port, targetPort: port }] },
  });
}

function autoscaled(name: string, namespace: string, min: number, max: number) {
  return [
    new HorizontalPodAutoscaler({
      metadata: { name, namespace },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
        minReplicas: min,
        maxReplicas: max,
        metrics: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
        ],
      },
    }),
    new PodDisruptionBudget({
      metadata: { name, namespace },
      spec: { minAvailable: 1, selector: { matchLabels: { app: name } } },
    }),
  ];
}

/**
 * Every object of a Modelmarket deployment: the platform namespace (api, web and the shared
 * CPU inference pool, with autoscaling and disruption budgets), and per dedicated tenant a
 * namespace holding its GPU inference pool, fenced by a quota, default limits and network
 * policies that let only the API in and nothing out.
 */
export function renderManifests(options: RenderOptions): K8sObject[] {
  const ns = options.namespace ?? "modelmarket";
  const publicUrls = options.publicUrls ?? {
    web: "https://modelmarket.example.com",
    api: "https://api.modelmarket.example.com",
  };
  const objects: K8sObject[] = [
    restrictedNamespace(ns),
    ...artifactsVolume(ns, options, false),
    migrationsJob(ns, options.images.api),
    deployment({
      name: "api",
      namespace: ns,
      image: options.images.api,
      port: 4000,
      replicas: 2,
      env: [
        { name: "NODE_ENV", value: "production" },
        { name: "HOST", value: "0.0.0.0" },
        { name: "DATA_DIR", value: "/tmp/modelmarket" },
        { name: "INFERENCE_URL", value: `http://inference.${ns}.svc:4001` },
        { name: "SEED_DEMO", value: "false" },
        secretEnv("DATABASE_URL", "database-url"),
        secretEnv("REDIS_URL", "redis-url"),
        secretEnv("SESSION_SECRET", "session-secret"),
        secretEnv("INFERENCE_SHARED_SECRET", "inference-shared-secret"),
        // The portal forwards its visitors' addresses with it (per-address limits, docs/security.md).
        secretEnv("PROXY_SHARED_SECRET", "proxy-shared-secret"),
      ],
      resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } },
      live: "/health/live",
      ready: "/health/ready",
      artifacts: "rw",
    }),
    service("api", ns, 4000),
    ...autoscaled("api", ns, 2, 20),
    deployment({
      name: "web",
      namespace: ns,
      image: options.images.web,
      port: 3000,
      replicas: 2,
      env: [
        { name: "API_URL", value: `http://api.${ns}.svc:4000` },
        { name: "NEXTAUTH_URL", value: publicUrls.web },
        { name: "PUBLIC_API_URL", value: publicUrls.api },
        secretEnv("NEXTAUTH_SECRET", "nextauth-secret"),
        secretEnv("PROXY_SHARED_SECRET", "proxy-shared-secret"),
        // Behind the cluster's ingress, which appends the visitor's address to X-Forwarded-For.
        { name: "WEB_TRUSTED_PROXY_HOPS", value: "1" },
      ],
      resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
      // Neither probe calls the API: a slow API must not get the portal restarted.
      live: "/icon.svg",
      ready: "/api/auth/providers",
      scratch: ["/app/apps/web/.next/cache"],
    }),
    service("web", ns, 3000),
    ...autoscaled("web", ns, 2, 10),
    deployment({
      name: "inference",
      namespace: ns,
      image: options.images.inference,
      port: 4001,
      replicas: 2,
      env: inferenceEnv("cpu"),
      resources: { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" } },
      live: "/v2/health/live",
      ready: "/v2/health/ready",
      artifacts: "ro",
    }),
    service("inference", ns, 4001),
    ...autoscaled("inference", ns, 2, 20),
  ];
  if (options.sharedGpuPool) objects.push(...sharedGpuPool(ns, options.sharedGpuPool, options.images.inferenceGpu));
  for (const tenant of options.tenants) {
    objects.push(...tenantPool(ns, tenant, options.images.inferenceGpu, options.images.inference));
    objects.push(...artifactsVolume(`mm-tenant-${tenant.slug}`, options, true));
  }
  for (const o of objects) validateObject(o);
  return objects;
}

function tenantPool(platformNs: string, tenant: DedicatedTenant, image: string, cpuImage: string): K8sObject[] {
  if (!/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(tenant.slug)) {
    throw new Error(`tenant slug "${tenant.slug}" is not DNS-safe`);
  }
  const ns = `mm-tenant-${tenant.slug}`;
  const onCpu = tenant.gpuResource === "cpu";
  const gpu = tenant.gpuResource ?? "nvidia.com/gpu";
  const gpus = onCpu ? 0 : (tenant.gpus ?? 1);
  const replicas = tenant.replicas ?? 1;
  if (tenant.cpu !== undefined && !/^\d+(\.\d+)?$|^\d+m$/.test(tenant.cpu)) {
    throw new Error(`tenant ${tenant.slug}: cpu "${tenant.cpu}" is not a CPU quantity (2, 1.5, 500m)`);
  }
  const env = onCpu
    ? inferenceEnv("cpu")
    : [
        ...inferenceEnv("cuda"),
        // A whole GPU or MIG slice per pod: its tenant alone uses it (MIG isolates memory in hardware).
        { name: "INFERENCE_GPU_SHARING", value: "exclusive" },
        ...(tenant.gpuMemory ? [{ name: "INFERENCE_GPU_MEMORY_BYTES", value: String(bytesOf(tenant.gpuMemory)) }] : []),
      ];
  // A CPU pool's pods are Guaranteed: request = limit, the tenant's cores and no more.
  const cores = tenant.cpu ?? "2";
  const resources = onCpu
    ? { requests: { cpu: cores, memory: "4Gi" }, limits: { cpu: cores, memory: "4Gi" } }
    : {
        requests: { cpu: tenant.cpu ?? "2", memory: "8Gi", [gpu]: String(gpus) },
        limits: { cpu: tenant.cpu ?? "4", memory: "16Gi", [gpu]: String(gpus) },
      };
  const coresOf = (q: string) => (q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q));
  // Room for a rolling update (two pods of each replica) within the quota.
  const requestCores = coresOf(resources.requests.cpu as string);
  const limitCores = coresOf(resources.limits.cpu as string);
  return [
    restrictedNamespace(ns, { "modelmarket.dev/tenant": tenant.slug }),
    deployment({
      name: "inference",
      namespace: ns,
      image: onCpu ? cpuImage : image,
      port: 4001,
      replicas,
      env,
      resources,
      live: "/v2/health/live",
      ready: "/v2/health/ready",
      artifacts: "ro",
      ...(onCpu
        ? {}
        : {
            pod: {
              nodeSelector: { "modelmarket.dev/pool": "gpu" },
              tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
            },
          }),
    }),
    service("inference", ns, 4001),
    new ResourceQuota({
      metadata: { name: "tenant-quota", namespace: ns },
      spec: {
        hard: {
          "requests.cpu": String(Math.max(4, 2 * requestCores) * replicas),
          "requests.memory": `${16 * replicas}Gi`,
          "limits.cpu": String(Math.max(8, 2 * limitCores) * replicas),
          "limits.memory": `${32 * replicas}Gi`,
          ...(onCpu ? {} : { [`requests.${gpu}`]: String(gpus * replicas) }),
          pods: String(replicas + 2),
        },
      },
    }),
    new LimitRange({
      metadata: { name: "tenant-defaults", namespace: ns },
      spec: {
        limits: [
          {
            type: "Container",
            default: { cpu: "1", memory: "2Gi" },
            defaultRequest: { cpu: "250m", memory: "512Mi" },
            max: { cpu: "8", memory: "32Gi" },
          },
        ],
      },
    }),
    // Default deny, both ways: no egress at all, and ingress only as allowed below.
    new NetworkPolicy({
      metadata: { name: "default-deny", namespace: ns },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    }),
    new NetworkPolicy({
      metadata: { name: "allow-api", namespace: ns },
      spec: {
        podSelector: { matchLabels: { app: "inference" } },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": platformNs } },
                podSelector: { matchLabels: { app: "api" } },
              },
            ],
            ports: [{ protocol: "TCP", port: 4001 }],
          },
        ],
      },
    }),
  ];
}

/** "8Gi", "512Mi", "2G" → bytes. */
export function bytesOf(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(quantity);
  if (!match) throw new Error(`"${quantity}" is not a memory quantity such as 8Gi`);
  const units: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(match[1]) * (match[2] ? (units[match[2]] as number) : 1);
}

/**
 * The shared GPU pool: the NVIDIA device plugin's sharing config (a ConfigMap the plugin is
 * pointed at with `--config-file` / its Helm chart's `config.name`), and the tier deployment that
 * runs with INFERENCE_GPU_SHARING so each tenant worker gets its cap.
 */
function sharedGpuPool(ns: string, pool: SharedGpuPool, image: string): K8sObject[] {
  const gpus = pool.gpus ?? 1;
  const replicas = pool.replicas ?? 1;
  const replicasPerGpu = pool.replicasPerGpu ?? 4;
  const sharing =
    pool.mode === "mps"
      ? { mps: { resources: [{ name: "nvidia.com/gpu", replicas: replicasPerGpu }] } }
      : { timeSlicing: { resources: [{ name: "nvidia.com/gpu", replicas: replicasPerGpu }] } };
  return [
    new ConfigMap({
      metadata: { name: "nvidia-device-plugin-sharing", namespace: ns, labels: PLATFORM_LABEL },
      data: { "config.yaml": JSON.stringify({ version: "v1", sharing }, null, 2) },
    }),
    deployment({
      name: "inference-gpu-shared",
      namespace: ns,
      image,
      port: 4001,
      replicas,
      env: [
        ...inferenceEnv("cuda"),
        { name: "INFERENCE_GPU_SHARING", value: pool.mode },
        { name: "INFERENCE_GPU_MEMORY_BYTES", value: String(bytesOf(pool.tenantMemory)) },
        ...(pool.mode === "mps"
          ? [{ name: "INFERENCE_GPU_COMPUTE_PERCENT", value: String(pool.computePercent ?? 100) }]
          : []),
      ],
      resources: {
        requests: { cpu: "2", memory: "8Gi", "nvidia.com/gpu": String(gpus) },
        limits: { cpu: "4", memory: "16Gi", "nvidia.com/gpu": String(gpus) },
      },
      live: "/v2/health/live",
      ready: "/v2/health/ready",
      artifacts: "ro",
      pod: {
        nodeSelector: { "modelmarket.dev/pool": "gpu-shared" },
        tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
      },
    }),
    service("inference-gpu-shared", ns, 4001),
  ];
}
