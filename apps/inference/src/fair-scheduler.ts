/**
 * Shares the tier's compute slots (about one per core) among tenants. Each tenant asks for a
 * slot when it has work; a free slot goes to the waiting tenant that has received the least
 * service relative to its weight (stride scheduling), so a tenant flooding requests gets its
 * share and no more, and a paying tenant (weight 2) gets twice a free one's share under
 * contention. Idle tenants bank no credit: a newcomer starts at the current minimum.
 */
export class FairScheduler {
  private free: number;
  private readonly waiting = new Map<string, { weight: number; grant: () => void }[]>();
  private readonly pass = new Map<string, number>();
  /** Pass of the last tenant served: where a tenant coming back from idle starts. */
  private virtualTime = 0;

  constructor(readonly capacity: number) {
    this.free = capacity;
  }

  /** Calls `grant` when the tenant may run one request; the caller must `release()` after. */
  acquire(tenant: string, weight: number, grant: () => void): void {
    if (!this.waiting.has(tenant)) this.pass.set(tenant, Math.max(this.pass.get(tenant) ?? 0, this.virtualTime));
    const list = this.waiting.get(tenant) ?? [];
    list.push({ weight: Math.max(1, weight), grant });
    this.waiting.set(tenant, list);
    this.dispatch();
  }

  release(): void {
    this.free++;
    this.dispatch();
  }

  /** Tenants currently waiting for a slot, with how many requests each. */
  get backlog(): number {
    let n = 0;
    for (const list of this.waiting.values()) n += list.length;
    return n;
  }

  private dispatch(): void {
    while (this.free > 0) {
      let chosen: string | undefined;
      for (const tenant of this.waiting.keys()) {
        if (chosen === undefined || (this.pass.get(tenant) as number) < (this.pass.get(chosen) as number))
          chosen = tenant;
      }
      if (chosen === undefined) return;
      const list = this.waiting.get(chosen) as { weight: number; grant: () => void }[];
      const next = list.shift() as { weight: number; grant: () => void };
      if (!list.length) this.waiting.delete(chosen);
      this.virtualTime = this.pass.get(chosen) as number;
      this.pass.set(chosen, this.virtualTime + 1 / next.weight);
      this.free--;
      next.grant();
    }
  }
}
