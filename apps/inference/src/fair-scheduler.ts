/** A compute slot held by one tenant's run; released exactly once. */
export interface Slot {
  readonly tenant: string;
  /** The run's compute began (its model is loaded): the fair slice counts from here. */
  computing(): void;
  /** Gives the slot back and charges the tenant for the time it held it. */
  release(): void;
}

export interface SchedulerOptions {
  /**
   * Longest time one run may keep computing while other tenants wait for a slot; past it the
   * holder's `preempt` is called (the tier stops that run). 0 disables preemption.
   */
  fairSliceMs?: number;
  /**
   * Slots one tenant may not fill while another tenant has asked for compute within
   * `activeWindowMs` (it holds at most capacity − reservedSlots): a latency-sensitive tenant then
   * finds a slot free instead of waiting for a flood's batch to finish. A tenant alone uses
   * every slot. 0 disables it.
   */
  reservedSlots?: number;
  activeWindowMs?: number;
  now?: () => number;
}

type Waiter = { weight: number; grant: (slot: Slot) => void; preempt?: () => void };
type Holder = { tenant: string; weight: number; since: number; computeSince: number | null; preempt?: () => void };

/**
 * Shares the tier's compute slots (about one per core) among tenants. A free slot goes to the
 * waiting tenant that has received the least compute time relative to its weight (stride
 * scheduling charged by the milliseconds a slot was held), so a tenant flooding requests, or
 * sending requests that each compute for long, gets its share and no more, and a paying tenant
 * (weight 2) gets twice a free one's share under contention. Idle tenants bank no credit: a
 * newcomer starts at the current minimum.
 *
 * Runs cannot be paused, so a slot is taken back by stopping its run: while any tenant waits
 * and no slot is free, a run that has computed for longer than `fairSliceMs` is preempted.
 * No tenant therefore holds compute others are waiting for for longer than the slice.
 */
export class FairScheduler {
  private free: number;
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly pass = new Map<string, number>();
  private readonly holders = new Set<Holder>();
  /** Pass of the last tenant served: where a tenant coming back from idle starts. */
  private virtualTime = 0;
  private preemptTimer: NodeJS.Timeout | null = null;
  private readonly fairSliceMs: number;
  private readonly reservedSlots: number;
  private readonly activeWindowMs: number;
  /** When each tenant last asked for a slot (for reservedSlots). */
  private readonly lastAsked = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    readonly capacity: number,
    options: SchedulerOptions = {},
  ) {
    this.free = capacity;
    this.fairSliceMs = options.fairSliceMs ?? 0;
    // Never reserve every slot: with one slot there is nothing to keep free.
    this.reservedSlots = Math.min(options.reservedSlots ?? 0, capacity - 1);
    this.activeWindowMs = options.activeWindowMs ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Calls `grant` with a slot when the tenant may run one request; the caller must release it.
   * `preempt` is how the scheduler takes the slot back from a run over its fair slice.
   */
  acquire(tenant: string, weight: number, grant: (slot: Slot) => void, preempt?: () => void): void {
    this.lastAsked.set(tenant, this.now());
    if (!this.waiting.has(tenant)) this.pass.set(tenant, Math.max(this.pass.get(tenant) ?? 0, this.virtualTime));
    const list = this.waiting.get(tenant) ?? [];
    list.push({ weight: Math.max(1, weight), grant, preempt });
    this.waiting.set(tenant, list);
    this.dispatch();
  }

  /** Requests waiting for a slot, all tenants together. */
  get backlog(): number {
    let n = 0;
    for (const list of this.waiting.values()) n += list.length;
    return n;
  }

  /** Slots held right now. */
  get busy(): number {
    return this.holders.size;
  }

  private dispatch(): void {
    while (this.free > 0) {
      let chosen: string | undefined;
      for (const tenant of this.waiting.keys()) {
        if (!this.mayTakeSlot(tenant)) continue;
        if (chosen === undefined || (this.pass.get(tenant) as number) < (this.pass.get(chosen) as number))
          chosen = tenant;
      }
      if (chosen === undefined) break;
      const list = this.waiting.get(chosen) as Waiter[];
      const next = list.shift() as Waiter;
      if (!list.length) this.waiting.delete(chosen);
      this.virtualTime = this.pass.get(chosen) as number;
      this.free--;
      next.grant(this.slotFor(chosen, next));
    }
    this.armPreemption();
  }

  /**
   * False when the tenant already holds all but the reserved slots and another tenant asked for
   * compute recently: it waits for one of its own runs to end instead of taking the last ones.
   */
  private mayTakeSlot(tenant: string): boolean {
    if (this.reservedSlots <= 0) return true;
    let held = 0;
    for (const h of this.holders) if (h.tenant === tenant) held++;
    if (held < this.capacity - this.reservedSlots) return true;
    const now = this.now();
    for (const [other, at] of this.lastAsked) {
      if (now - at > this.activeWindowMs) this.lastAsked.delete(other);
      else if (other !== tenant) return false;
    }
    return true;
  }

  private slotFor(tenant: string, waiter: Waiter): Slot {
    const holder: Holder = {
      tenant,
      weight: waiter.weight,
      since: this.now(),
      computeSince: null,
      preempt: waiter.preempt,
    };
    this.holders.add(holder);
    let released = false;
    return {
      tenant,
      computing: () => {
        if (!released && holder.computeSince === null) {
          holder.computeSince = this.now();
          this.armPreemption();
        }
      },
      release: () => {
        if (released) return;
        released = true;
        this.holders.delete(holder);
        // Charged by time held (at least one unit), so long runs cost their tenant their length.
        const heldMs = Math.max(1, this.now() - holder.since);
        this.pass.set(tenant, (this.pass.get(tenant) ?? this.virtualTime) + heldMs / holder.weight);
        this.free++;
        this.dispatch();
      },
    };
  }

  /** While someone waits and every slot is taken, checks when the oldest run passes its slice. */
  private armPreemption(): void {
    if (this.preemptTimer) {
      clearTimeout(this.preemptTimer);
      this.preemptTimer = null;
    }
    if (this.fairSliceMs <= 0 || this.free > 0 || this.waiting.size === 0) return;
    let oldest: number | null = null;
    for (const h of this.holders) {
      if (h.preempt && h.computeSince !== null && (oldest === null || h.computeSince < oldest)) oldest = h.computeSince;
    }
    if (oldest === null) return;
    const due = Math.max(0, oldest + this.fairSliceMs - this.now());
    this.preemptTimer = setTimeout(() => {
      this.preemptTimer = null;
      this.preemptOverdue();
    }, due);
    this.preemptTimer.unref?.();
  }

  private preemptOverdue(): void {
    const now = this.now();
    // Free one slot per waiting tenant at most, the longest-running first.
    const overdue = [...this.holders]
      .filter((h) => h.preempt && h.computeSince !== null && now - h.computeSince >= this.fairSliceMs)
      .sort((a, b) => (a.computeSince as number) - (b.computeSince as number))
      .slice(0, this.waiting.size);
    for (const h of overdue) h.preempt?.();
    this.armPreemption();
  }
}
