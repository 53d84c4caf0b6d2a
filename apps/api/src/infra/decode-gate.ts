import { AppError } from "@modelmarket/domain";

type Waiter = { tenantId: string; pixels: number; admit: () => void; fail: (e: Error) => void; timer: NodeJS.Timeout };

/**
 * Image decoding admitted by pixels, not by calls. Decoding is the one piece of an inference
 * call whose cost the caller chooses (a 300 KB PNG can decode to 40 million 16-bit pixels), and
 * it runs on libuv's thread pool, which session-token verification (WebCrypto), password
 * hashing and file reads share. So this process decodes at most `budgetPixels` at once (one
 * maximum-size image, or many small ones): with the default budget, at most one large decode
 * holds a pool thread and a core, and the rest of the pool stays free for everyone else.
 *
 * Waiting decodes are served tenant by tenant in turn (round robin over tenants with waiting
 * work), so a tenant sending many large images waits behind its own images, not in front of
 * another tenant's. A decode larger than the whole budget runs alone. A decode waits at most
 * `maxWaitMs`, then RATE_LIMITED with a retry hint; a tenant may have at most
 * `maxQueuedPixelsPerTenant` waiting (its excess is refused at once, nothing reserved or billed).
 */
export class DecodeGate {
  private inFlight = 0;
  private readonly queues = new Map<string, Waiter[]>();
  private readonly queuedPixels = new Map<string, number>();
  /** Tenants with waiting decodes, in the order they get the next free pixels. */
  private readonly turn: string[] = [];

  constructor(
    private readonly budgetPixels: number,
    private readonly maxWaitMs: number,
    private readonly maxQueuedPixelsPerTenant: number,
  ) {}

  /** Resolves with `release` once `pixels` may be decoded; call `release` exactly once after. */
  async acquire(tenantId: string, pixels: number): Promise<() => void> {
    const cost = Math.max(1, Math.min(pixels, this.budgetPixels));
    if (!this.queues.has(tenantId) && this.fits(cost)) return this.start(cost);
    const queued = this.queuedPixels.get(tenantId) ?? 0;
    if (queued > 0 && queued + cost > this.maxQueuedPixelsPerTenant) {
      throw this.busy(`has more than ${this.maxQueuedPixelsPerTenant} image pixels waiting to be decoded`);
    }
    await new Promise<void>((admit, fail) => {
      const waiter: Waiter = {
        tenantId,
        pixels: cost,
        admit,
        fail,
        timer: setTimeout(() => {
          this.remove(waiter);
          fail(this.busy(`waited ${this.maxWaitMs} ms to decode its images`));
        }, this.maxWaitMs),
      };
      let queue = this.queues.get(tenantId);
      if (!queue) {
        queue = [];
        this.queues.set(tenantId, queue);
        this.turn.push(tenantId);
      }
      queue.push(waiter);
      this.queuedPixels.set(tenantId, queued + cost);
    });
    return this.releaser(cost);
  }

  /** Pixels being decoded and waiting, for reporting and tests. */
  stats(): { inFlightPixels: number; waiting: number; tenantsWaiting: number } {
    let waiting = 0;
    for (const queue of this.queues.values()) waiting += queue.length;
    return { inFlightPixels: this.inFlight, waiting, tenantsWaiting: this.turn.length };
  }

  private fits(cost: number): boolean {
    return this.inFlight === 0 || this.inFlight + cost <= this.budgetPixels;
  }

  private start(cost: number): () => void {
    this.inFlight += cost;
    return this.releaser(cost);
  }

  private releaser(cost: number): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= cost;
      this.admitNext();
    };
  }

  /**
   * The tenant whose turn it is gets the next free pixels; if its next image does not fit yet,
   * everyone waits for it (no overtaking by smaller images, so a large one is never starved).
   */
  private admitNext(): void {
    while (this.turn.length) {
      const tenantId = this.turn[0] as string;
      const queue = this.queues.get(tenantId) as Waiter[];
      const waiter = queue[0] as Waiter;
      if (!this.fits(waiter.pixels)) return;
      this.turn.shift();
      this.take(waiter);
      if (queue.length) this.turn.push(tenantId);
      this.inFlight += waiter.pixels;
      clearTimeout(waiter.timer);
      waiter.admit();
    }
  }

  /** Takes a waiter off its tenant's queue (and the tenant off the turn once it has none). */
  private take(waiter: Waiter): void {
    const queue = this.queues.get(waiter.tenantId);
    if (!queue) return;
    const at = queue.indexOf(waiter);
    if (at >= 0) queue.splice(at, 1);
    const left = (this.queuedPixels.get(waiter.tenantId) ?? 0) - waiter.pixels;
    if (left > 0) this.queuedPixels.set(waiter.tenantId, left);
    else this.queuedPixels.delete(waiter.tenantId);
    if (!queue.length) this.queues.delete(waiter.tenantId);
  }

  private remove(waiter: Waiter): void {
    this.take(waiter);
    if (!this.queues.has(waiter.tenantId)) {
      const position = this.turn.indexOf(waiter.tenantId);
      if (position >= 0) this.turn.splice(position, 1);
    }
    // The head that timed out may have been what blocked smaller images behind it.
    this.admitNext();
  }

  private busy(why: string): AppError {
    return new AppError(
      "RATE_LIMITED",
      `This API instance is busy decoding images and your tenant ${why}; retry shortly.`,
      {
        retryAfterMs: 500,
      },
    );
  }
}
