import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openWorkerCgroups, WORKERS_GROUP } from "./worker-cgroups";

// The kernel's files laid out in a temporary folder: what the tier writes where, on either
// cgroup version (the real kernel is exercised in test/worker-cgroups.test.ts where it may be).
const roots: string[] = [];
function fakeRoot(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mm-cgroup-"));
  roots.push(root);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
}
const read = (file: string) => fs.readFileSync(file, "utf8");
const TENANT = "tnt_01aaaaaaaaaaaaaaaaaaaaaaaa";
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

describe("per-tenant worker CPU groups", () => {
  it("happy: cgroup v1 — a group for all workers under the tier's cpu cgroup, one per tenant, equal cpu.shares", () => {
    const root = fakeRoot({ "cpu,cpuacct/cpu.shares": "1024", "cpu,cpuacct/docker/abc/cpu.shares": "1024" });
    const opened = openWorkerCgroups({ root, selfCgroup: "5:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc", pid: 7 });
    if (!opened.cgroups) throw new Error(opened.why);
    const workers = path.join(root, "cpu,cpuacct/docker/abc", WORKERS_GROUP);
    expect(read(path.join(workers, "cpu.shares"))).toBe("1024");
    opened.cgroups.place(TENANT, 4242);
    expect(read(path.join(workers, `tenant-${TENANT}`, "cgroup.procs"))).toBe("4242");
    expect(read(path.join(workers, `tenant-${TENANT}`, "cpu.shares"))).toBe("1024");
  });

  it("happy: cgroup v2 — the tier moves into a leaf, enables cpu for its subtree, and weighs tenants equally", () => {
    const base = "sys.slice/mm.service";
    const root = fakeRoot({
      "cgroup.controllers": "cpu io memory",
      [`${base}/cgroup.controllers`]: "cpu memory",
      [`${base}/cgroup.subtree_control`]: "",
      [`${base}/cgroup.procs`]: "7",
    });
    const opened = openWorkerCgroups({ root, selfCgroup: `0::/${base}`, pid: 7 });
    if (!opened.cgroups) throw new Error(opened.why);
    expect(read(path.join(root, base, "tier", "cgroup.procs"))).toBe("7");
    expect(read(path.join(root, base, "cgroup.subtree_control"))).toBe("+cpu");
    const workers = path.join(root, base, WORKERS_GROUP);
    expect(read(path.join(workers, "cpu.weight"))).toBe("100");
    expect(read(path.join(workers, "cgroup.subtree_control"))).toBe("+cpu");
    opened.cgroups.place(TENANT, 99);
    expect(read(path.join(workers, `tenant-${TENANT}`, "cpu.weight"))).toBe("100");
    expect(read(path.join(workers, `tenant-${TENANT}`, "cgroup.procs"))).toBe("99");
  });

  it("error: no cpu controller to use means none, and why (the workers keep their niceness)", () => {
    const root = fakeRoot({ "cgroup.controllers": "memory", "x/cgroup.controllers": "memory" });
    const opened = openWorkerCgroups({ root, selfCgroup: "0::/x", pid: 1 });
    expect(opened.cgroups).toBeNull();
    expect("why" in opened && opened.why).toMatch(/no cpu controller/);
    expect(openWorkerCgroups({ root, selfCgroup: "", pid: 1 }).cgroups).toBeNull();
  });

  it("security: only a tenant id names a group; a path never reaches the filesystem", () => {
    const root = fakeRoot({ "cpu/cpu.shares": "1024" });
    const opened = openWorkerCgroups({ root, selfCgroup: "3:cpu:/", pid: 1 });
    if (!opened.cgroups) throw new Error(opened.why);
    for (const bad of ["../../etc", `${TENANT}/../x`, "tnt_/", ""]) {
      expect(() => opened.cgroups?.place(bad, 1)).toThrow(/not a tenant id/);
    }
    expect(fs.readdirSync(path.join(root, "cpu", WORKERS_GROUP))).toEqual(["cpu.shares"]);
  });
});
