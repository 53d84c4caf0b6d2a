import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * How a GPU pool shares its device among the tenants it serves (each tenant's worker is its own
 * process, so its own CUDA context, in every mode):
 * - exclusive: one tenant's pods per device or MIG slice (dedicated pools); MIG gives hardware
 *   isolation of memory and compute;
 * - mps: NVIDIA MPS; each worker gets a pinned device-memory limit enforced by the MPS server
 *   (CUDA_MPS_PINNED_DEVICE_MEM_LIMIT) and a share of the SMs (CUDA_MPS_ACTIVE_THREAD_PERCENTAGE);
 * - time-slicing: the device plugin's time-slicing; no hardware memory limit, so the tier's
 *   watch (GpuMemoryWatch) stops a worker past its cap.
 */
export type GpuSharing = "exclusive" | "mps" | "time-slicing";

export interface GpuSettings {
  /** The pool's device: an index, a GPU-… or MIG-… UUID (as `nvidia-smi -L` prints it). */
  device: string;
  sharing: GpuSharing;
  /** Each tenant worker's device-memory cap; null = none (exclusive pools). */
  memoryBytes: number | null;
  /** Per-tenant caps (tenant id → bytes), e.g. from a plan: INFERENCE_GPU_MEMORY_OVERRIDES. */
  overrides: ReadonlyMap<string, number>;
  /** For MPS: each worker's share of the device's SMs, 1–100. */
  computePercent: number;
}

export interface GpuDevice {
  index: number;
  uuid: string;
  name: string;
  memoryBytes: number;
  /** MIG instances of this GPU, by UUID. */
  migs: string[];
}

const MIB = 1024 * 1024;

/** "tnt_a=2147483648,tnt_b=1GiB" → tenant → bytes (units: B, KiB, MiB, GiB). */
export function parseMemoryOverrides(text: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z0-9_-]+)=(\d+)(B|KiB|MiB|GiB)?$/.exec(part);
    if (!match) throw new Error(`"${part}" is not tenantId=bytes (e.g. tnt_01h…=2GiB)`);
    const unit = { B: 1, KiB: 1024, MiB: MIB, GiB: 1024 * MIB }[match[3] ?? "B"] as number;
    result.set(match[1] as string, Number(match[2]) * unit);
  }
  return result;
}

/** The device-memory cap of one tenant's worker, or null for none. */
export function tenantGpuCap(settings: GpuSettings, tenantId: string): number | null {
  return settings.overrides.get(tenantId) ?? settings.memoryBytes;
}

/**
 * What a tenant's worker process is started with on a GPU pool: only the pool's device is
 * visible to it (so onnxruntime's device 0 is that device or MIG slice), and under MPS its
 * memory and compute limits, which the MPS server enforces for that process alone.
 */
export function tenantGpuEnv(settings: GpuSettings, tenantId: string): Record<string, string> {
  const env: Record<string, string> = { CUDA_VISIBLE_DEVICES: settings.device };
  const cap = tenantGpuCap(settings, tenantId);
  if (settings.sharing === "mps") {
    if (cap !== null) env.CUDA_MPS_PINNED_DEVICE_MEM_LIMIT = `0=${Math.max(1, Math.floor(cap / MIB))}M`;
    env.CUDA_MPS_ACTIVE_THREAD_PERCENTAGE = String(settings.computePercent);
  }
  return env;
}

/** Problems with the settings on this machine's GPUs (empty = fine); null inventory = no GPU seen. */
export function checkGpuSettings(settings: GpuSettings, inventory: GpuDevice[] | null): string[] {
  if (!inventory || inventory.length === 0) {
    return ["INFERENCE_EXECUTION_PROVIDER=cuda, but no NVIDIA GPU is visible (nvidia-smi found none)."];
  }
  const device = inventory.find(
    (d) => String(d.index) === settings.device || d.uuid === settings.device || d.migs.includes(settings.device),
  );
  if (!device) {
    const known = inventory.flatMap((d) => [String(d.index), d.uuid, ...d.migs]).join(", ");
    return [`INFERENCE_GPU_DEVICE=${settings.device} is not a GPU or MIG instance of this machine (${known}).`];
  }
  const problems: string[] = [];
  const caps = [settings.memoryBytes, ...settings.overrides.values()].filter((c): c is number => c !== null);
  const largest = Math.max(0, ...caps);
  // A MIG slice is smaller than its GPU; nvidia-smi reports the whole GPU's memory here, so the
  // check is against that bound (MPS and the watch enforce the real cap).
  if (largest > device.memoryBytes) {
    problems.push(
      `A tenant GPU memory cap (${Math.round(largest / MIB)} MiB) is larger than ${device.name}'s ` +
        `${Math.round(device.memoryBytes / MIB)} MiB.`,
    );
  }
  if (settings.sharing !== "exclusive" && settings.memoryBytes === null) {
    problems.push(`INFERENCE_GPU_SHARING=${settings.sharing} needs INFERENCE_GPU_MEMORY_BYTES (each tenant's cap).`);
  }
  return problems;
}

/** This machine's GPUs and MIG instances, from nvidia-smi; null when there is none (or no driver). */
export async function readGpuInventory(nvidiaSmi = "nvidia-smi"): Promise<GpuDevice[] | null> {
  try {
    const { stdout } = await run(
      nvidiaSmi,
      ["--query-gpu=index,uuid,name,memory.total", "--format=csv,noheader,nounits"],
      { timeout: 10_000 },
    );
    const { stdout: list } = await run(nvidiaSmi, ["-L"], { timeout: 10_000 });
    const devices = stdout
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [index, uuid, name, memory] = line.split(",").map((s) => s.trim());
        return {
          index: Number(index),
          uuid: uuid ?? "",
          name: name ?? "GPU",
          memoryBytes: Number(memory) * MIB,
          migs: [] as string[],
        };
      });
    // `nvidia-smi -L`: "GPU 0: … (UUID: GPU-…)" followed by "  MIG 1g.18gb Device 0: (UUID: MIG-…)".
    let current: GpuDevice | undefined;
    for (const line of list.split("\n")) {
      const gpu = /^GPU (\d+):/.exec(line);
      if (gpu) current = devices.find((d) => d.index === Number(gpu[1]));
      const mig = /^\s+MIG .*\(UUID: (MIG-[^)]+)\)/.exec(line);
      if (mig && current) current.migs.push(mig[1] as string);
    }
    return devices;
  } catch {
    return null;
  }
}

/** Device memory held by each process (pid → bytes), from nvidia-smi; empty when it cannot tell. */
export async function readGpuProcessMemory(nvidiaSmi = "nvidia-smi"): Promise<Map<number, number>> {
  try {
    const { stdout } = await run(nvidiaSmi, ["--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"], {
      timeout: 5_000,
    });
    const usage = new Map<number, number>();
    for (const line of stdout.trim().split("\n").filter(Boolean)) {
      const [pid, used] = line.split(",").map((s) => Number(s.trim()));
      if (Number.isInteger(pid) && Number.isFinite(used)) usage.set(pid as number, (used as number) * MIB);
    }
    return usage;
  } catch {
    return new Map();
  }
}

export interface WatchedWorker {
  tenantId: string;
  pid: number | undefined;
  /** Stops the worker: it holds more device memory than its cap. */
  stopForGpuMemory(usedBytes: number, capBytes: number): void;
}

/**
 * Enforces each tenant's device-memory cap where the hardware does not (time-slicing): every
 * `intervalMs` it reads how much device memory each worker process holds and stops a worker
 * past its tenant's cap (its requests fail alone; the next request starts a fresh worker).
 * Also reports the usage per tenant.
 */
export class GpuMemoryWatch {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly settings: GpuSettings,
    private readonly workers: () => Iterable<WatchedWorker>,
    private readonly probe: () => Promise<Map<number, number>>,
    private readonly report: (tenantId: string, usedBytes: number) => void,
  ) {}

  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass (exposed for tests and the check script). */
  async check(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const usage = await this.probe();
      for (const worker of this.workers()) {
        if (worker.pid === undefined) continue;
        const used = usage.get(worker.pid) ?? 0;
        this.report(worker.tenantId, used);
        const cap = tenantGpuCap(this.settings, worker.tenantId);
        if (cap !== null && used > cap) worker.stopForGpuMemory(used, cap);
      }
    } finally {
      this.busy = false;
    }
  }
}
