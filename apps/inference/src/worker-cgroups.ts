import fs from "node:fs";
import path from "node:path";

/**
 * Per-tenant CPU weights for worker processes, through the kernel's CPU controller, where the
 * tier may write its cgroup tree (root on a machine or VM, a privileged container, a delegated
 * systemd unit): all workers go under one `modelmarket-workers` group, each tenant's worker in
 * its own `tenant-<id>` group below it, all tenants with the same weight.
 *
 * What that buys beside niceness (INFERENCE_WORKER_NICE): the kernel shares CPU between
 * *groups* first, so a tenant whose worker runs many threads (INFERENCE_THREADS, onnxruntime's
 * pools) gets one tenant's share, not one share per thread; and the workers together weigh as
 * much as one process beside the tier and the API (cgroup v1 `cpu.shares` 1024, v2 `cpu.weight`
 * 100), so a flood's compute never starves the processes that parse, route and meter everyone's
 * calls. Weights only matter when the CPU is contended: an idle machine lets any worker use it all.
 *
 * cgroup v1 (a `cpu` hierarchy): groups are made under the tier's own cpu cgroup. cgroup v2:
 * under the tier's own cgroup, which then may hold no process itself ("no internal processes"),
 * so the tier first moves itself into a `tier` leaf beside the workers' group.
 */
export interface WorkerCgroups {
  /** v1 or v2, and where the workers' group is. */
  readonly description: string;
  /** Puts a tenant's new worker process into its tenant's group (made when needed). */
  place(tenantId: string, pid: number): void;
  /** Removes a tenant's group once its worker is gone (a group with a process stays). */
  release(tenantId: string): void;
}

export const WORKERS_GROUP = "modelmarket-workers";

/** Where the kernel's files are: the real ones, or a copy a test lays out. */
export interface CgroupFiles {
  /** The cgroup mount root (/sys/fs/cgroup). */
  root: string;
  /** The contents of /proc/self/cgroup. */
  selfCgroup: string;
  /** This process's pid (written into the `tier` leaf on v2). */
  pid: number;
}

const TENANT_ID = /^tnt_[0-9a-z]{26}$/;

/**
 * The tier's worker cgroups, or null (with why) when the machine has no CPU controller the tier
 * may write: the workers then run with niceness alone.
 */
export function openWorkerCgroups(
  files: CgroupFiles = {
    root: "/sys/fs/cgroup",
    selfCgroup: readOrEmpty("/proc/self/cgroup"),
    pid: process.pid,
  },
): { cgroups: WorkerCgroups } | { cgroups: null; why: string } {
  try {
    const v1 = files.selfCgroup.split("\n").find((line) => /^\d+:([^:]*,)?cpu(,[^:]*)?:/.test(line));
    if (v1 && !fs.existsSync(path.join(files.root, "cgroup.controllers"))) {
      const own = v1.slice(v1.lastIndexOf(":") + 1);
      const mount = ["cpu", "cpu,cpuacct", "cpuacct,cpu"]
        .map((name) => path.join(files.root, name))
        .find((dir) => fs.existsSync(path.join(dir, "cpu.shares")));
      if (!mount) return { cgroups: null, why: "no cgroup v1 cpu hierarchy is mounted" };
      return { cgroups: groups(path.join(mount, own, WORKERS_GROUP), "cpu.shares", 1024, "v1") };
    }
    const v2 = files.selfCgroup.split("\n").find((line) => line.startsWith("0::"));
    if (!v2) return { cgroups: null, why: "this process is in no cgroup with a CPU controller" };
    const base = path.join(files.root, v2.slice(3));
    const controllers = readOrEmpty(path.join(base, "cgroup.controllers")).split(/\s+/);
    if (!controllers.includes("cpu")) return { cgroups: null, why: `${base} has no cpu controller to give` };
    if (!readOrEmpty(path.join(base, "cgroup.subtree_control")).split(/\s+/).includes("cpu")) {
      // No internal processes: the tier (and whatever else is here) moves into a leaf first.
      const leaf = path.join(base, "tier");
      fs.mkdirSync(leaf, { recursive: true });
      for (const pid of readOrEmpty(path.join(base, "cgroup.procs")).split(/\s+/).filter(Boolean)) {
        try {
          fs.writeFileSync(path.join(leaf, "cgroup.procs"), pid);
        } catch {
          // A process that exited meanwhile, or a kernel thread: it cannot move, nor needs to.
        }
      }
      fs.writeFileSync(path.join(base, "cgroup.subtree_control"), "+cpu");
    }
    const workers = path.join(base, WORKERS_GROUP);
    fs.mkdirSync(workers, { recursive: true });
    fs.writeFileSync(path.join(workers, "cgroup.subtree_control"), "+cpu");
    return { cgroups: groups(workers, "cpu.weight", 100, "v2") };
  } catch (error) {
    return { cgroups: null, why: (error as Error).message };
  }
}

function groups(workers: string, weightFile: string, weight: number, version: string): WorkerCgroups {
  fs.mkdirSync(workers, { recursive: true });
  fs.writeFileSync(path.join(workers, weightFile), String(weight));
  sweepEmptyGroups(workers);
  const tenantGroup = (tenantId: string) => {
    // The id becomes a directory name: only the tier's own tenant ids, never a path.
    if (!TENANT_ID.test(tenantId)) throw new Error(`not a tenant id: ${tenantId}`);
    return path.join(workers, `tenant-${tenantId}`);
  };
  return {
    description: `cgroup ${version} ${workers}`,
    place(tenantId, pid) {
      const dir = tenantGroup(tenantId);
      // Twice at most: another tier starting on this tree may sweep the group away between
      // its making and the process joining it (it was empty then).
      for (let attempt = 1; ; attempt++) {
        try {
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(path.join(dir, weightFile), String(weight));
          fs.writeFileSync(path.join(dir, "cgroup.procs"), String(pid));
          return;
        } catch (error) {
          if (attempt >= 2 || (error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        }
      }
    },
    release(tenantId) {
      try {
        fs.rmdirSync(tenantGroup(tenantId));
      } catch {
        // Still holds a process (a worker being replaced, another tier's): it stays.
      }
    },
  };
}

/**
 * Removes the tenant groups no process is in any more: a tier that was killed, or stopped
 * before its workers' exits reached it, never released theirs, and each would otherwise stay in
 * the kernel's tree for good (one per tenant and tier start). A group still holding a process (a
 * worker of another tier sharing this tree) is kept: the kernel refuses to remove it anyway.
 */
function sweepEmptyGroups(workers: string): void {
  for (const entry of fs.readdirSync(workers, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith("tenant-")) continue;
    const dir = path.join(workers, entry.name);
    if (readOrEmpty(path.join(dir, "cgroup.procs")) !== "") continue;
    try {
      fs.rmdirSync(dir);
    } catch {
      // A worker placed meanwhile, or not a cgroup directory: it stays.
    }
  }
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}
