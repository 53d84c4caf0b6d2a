import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildOnnxModel } from "@modelmarket/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningInference } from "../src/server";
import { openWorkerCgroups, WORKERS_GROUP } from "../src/worker-cgroups";
import { storeModel } from "./model-store";
import { startTestTier } from "./test-tier";

// The real kernel: where this machine lets the tier write its cgroup tree (root here and in
// CI), each tenant's worker process runs in its own CPU group. Elsewhere there is nothing to
// check (the tier then runs its workers with niceness alone, logged at start).
const available = openWorkerCgroups().cgroups !== null;
const SECRET = crypto.randomBytes(32).toString("hex");
const TENANTS = ["tnt_01cgroupaaaaaaaaaaaaaaaaaa", "tnt_01cgroupbbbbbbbbbbbbbbbbbb"];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-cgroups-"));
let tier: RunningInference;

const IDENTITY = storeModel(
  dataDir,
  buildOnnxModel({
    inputs: [{ name: "x", elemType: "FLOAT", shape: [1] }],
    outputs: [{ name: "y", elemType: "FLOAT", shape: [1] }],
    nodes: [{ opType: "Identity", inputs: ["x"], outputs: ["y"] }],
  }),
);

/** The cgroup path of a process in its cpu hierarchy (v1) or the unified one (v2). */
function cpuCgroupOf(pid: number): string {
  const lines = fs.readFileSync(`/proc/${pid}/cgroup`, "utf8").trim().split("\n");
  const line = lines.find((l) => /^\d+:([^:]*,)?cpu(,[^:]*)?:/.test(l)) ?? lines.find((l) => l.startsWith("0::"));
  return line ? line.slice(line.lastIndexOf(":") + 1) : "";
}

/** A cgroup's directory, in whichever hierarchy the kernel has it. */
function cgroupDir(group: string): string {
  const mount = ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup"].find((m) =>
    fs.existsSync(path.join(m, group)),
  ) as string;
  return path.join(mount, group);
}

beforeAll(async () => {
  if (!available) return;
  tier = await startTestTier(dataDir, SECRET);
}, 60_000);
afterAll(async () => {
  await tier?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!available)("tenant worker CPU groups on this machine's kernel", () => {
  it("security: each tenant's worker process runs in its own CPU group, of equal weight, below the tier's", async () => {
    for (const tenant of TENANTS) {
      const res = await fetch(`${tier.url}/v2/models/${IDENTITY}/infer`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${SECRET}`, "x-tenant-id": tenant },
        body: JSON.stringify({ inputs: [{ name: "x", datatype: "FP32", shape: [1], data: [3] }] }),
      });
      expect(res.status).toBe(200);
    }
    const tierGroup = cpuCgroupOf(process.pid);
    const weights = new Set<string>();
    for (const tenant of TENANTS) {
      const pid = tier.workers.get(tenant)?.pid as number;
      expect(pid).toBeGreaterThan(0);
      const group = cpuCgroupOf(pid);
      expect(group).toBe(path.posix.join(tierGroup, WORKERS_GROUP, `tenant-${tenant}`));
      // The group's own weight file, in whichever hierarchy the kernel has.
      const dir = cgroupDir(group);
      const file = fs.existsSync(path.join(dir, "cpu.shares")) ? "cpu.shares" : "cpu.weight";
      weights.add(fs.readFileSync(path.join(dir, file), "utf8").trim());
      expect(fs.readFileSync(path.join(dir, "cgroup.procs"), "utf8").split("\n")).toContain(String(pid));
    }
    // Equal weights: one tenant's threads never outweigh another tenant's.
    expect(weights.size).toBe(1);
    expect(cpuCgroupOf(process.pid)).toBe(tierGroup);
  });

  it("happy: a tier starting sweeps the empty tenant groups a killed tier left behind, and keeps the ones in use", () => {
    const live = tier.workers.get(TENANTS[0] as string)?.pid as number;
    const liveGroup = cpuCgroupOf(live);
    const liveDir = cgroupDir(liveGroup);
    // What a tier killed with its workers leaves: a tenant's group with no process in it.
    const stale = path.join(path.dirname(liveDir), "tenant-tnt_01cgroupstaleaaaaaaaaaaaaaa");
    fs.mkdirSync(stale, { recursive: true });
    expect(fs.readFileSync(path.join(stale, "cgroup.procs"), "utf8")).toBe("");
    expect(openWorkerCgroups().cgroups).not.toBeNull();
    expect(fs.existsSync(stale)).toBe(false);
    expect(cpuCgroupOf(live)).toBe(liveGroup);
    expect(fs.existsSync(liveDir)).toBe(true);
  });
});
