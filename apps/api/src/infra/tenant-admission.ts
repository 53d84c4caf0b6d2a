import { AppError } from "@modelmarket/domain";

type Waiter = { admit: () => void; fail: (error: Error) => void; timer: NodeJS.Timeout };

/**
 * Fairness before the work: at most `capacity` inference calls run in this API process at
 * once (tokenising, decoding and encoding tensors, waiting for the tier), and at most
 * `perTenant` of them for one tenant; a tenant's excess waits in its own queue. A freed place
 * goes to the next tenant in turn (round robin over tenants with waiting calls), so a tenant
 * flooding the API delays its own calls, not everyone's: while the flood holds its share,
 * another tenant's call starts at once, and with every place taken it waits for one at most.
 *
 * A call waits at most `maxWaitMs`, then gets RATE_LIMITED with a retry hint (nothing was
 * reserved or billed yet), and a tenant may queue at most `maxQueuedPerTenant` calls.
 */
export class TenantAdmission {
  private running = 0;
  private readonly runningByTenant = new Map<string, number>();
  private readonly queues = new Map<string, Waiter[]>();
  /** Tenants with waiting calls, in the order they get the next free place. */
  private readonly turn: string[] = [];

  constructor(
    private readonly capacity: number,
    private readonly perTenant: number,
    private readonly maxWaitMs: number,
    private readonly maxQueuedPerTenant: number,
  ) {}

  /** Resolves with `release` once the call may run; call `release` exactly once when it ends. */
  async acquire(tenantId: string): Promise<() => void> {
    if (this.capacity <= 0) return () => {};
    let queue = this.queues.get(tenantId);
    // Whoever waits is waiting for a place this tenant cannot take (admitNext hands out every
    // free place at once), so a tenant with nothing queued starts when its limit allows.
    if (!queue && this.mayStart(tenantId)) return this.start(tenantId);
    if (queue && queue.length >= this.maxQueuedPerTenant) throw this.busy("has too many calls waiting");
    await new Promise<void>((admit, fail) => {
      const waiter: Waiter = {
        admit,
        fail,
        timer: setTimeout(() => {
          this.remove(tenantId, waiter);
          fail(this.busy(`waited ${this.maxWaitMs} ms for a place`));
        }, this.maxWaitMs),
      };
      if (!queue) {
        queue = [];
        this.queues.set(tenantId, queue);
        this.turn.push(tenantId);
      }
      queue.push(waiter);
    });
    return this.releaser(tenantId);
  }

  /** Calls running and waiting, for /metrics-style reporting and tests. */
  stats(): { running: number; waiting: number; tenantsWaiting: number } {
    let waiting = 0;
    for (const queue of this.queues.values()) waiting += queue.length;
    return { running: this.running, waiting, tenantsWaiting: this.turn.length };
  }

  private mayStart(tenantId: string): boolean {
    return this.running < this.capacity && (this.runningByTenant.get(tenantId) ?? 0) < this.perTenant;
  }

  private start(tenantId: string): () => void {
    this.running++;
    this.runningByTenant.set(tenantId, (this.runningByTenant.get(tenantId) ?? 0) + 1);
    return this.releaser(tenantId);
  }

  private releaser(tenantId: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      const left = (this.runningByTenant.get(tenantId) ?? 1) - 1;
      if (left > 0) this.runningByTenant.set(tenantId, left);
      else this.runningByTenant.delete(tenantId);
      this.admitNext();
    };
  }

  /** Gives free places to waiting tenants in turn, skipping those at their own limit. */
  private admitNext(): void {
    let skipped = 0;
    while (this.running < this.capacity && this.turn.length && skipped < this.turn.length) {
      const tenantId = this.turn.shift() as string;
      if (!this.mayStart(tenantId)) {
        this.turn.push(tenantId);
        skipped++;
        continue;
      }
      skipped = 0;
      const queue = this.queues.get(tenantId) as Waiter[];
      const waiter = queue.shift() as Waiter;
      if (queue.length) this.turn.push(tenantId);
      else this.queues.delete(tenantId);
      clearTimeout(waiter.timer);
      this.running++;
      this.runningByTenant.set(tenantId, (this.runningByTenant.get(tenantId) ?? 0) + 1);
      waiter.admit();
    }
  }

  private remove(tenantId: string, waiter: Waiter): void {
    const queue = this.queues.get(tenantId);
    if (!queue) return;
    const at = queue.indexOf(waiter);
    if (at >= 0) queue.splice(at, 1);
    if (!queue.length) {
      this.queues.delete(tenantId);
      const position = this.turn.indexOf(tenantId);
      if (position >= 0) this.turn.splice(position, 1);
    }
  }

  private busy(why: string): AppError {
    return new AppError("RATE_LIMITED", `This API instance is at capacity and your tenant ${why}; retry shortly.`, {
      retryAfterMs: 250,
    });
  }
}
