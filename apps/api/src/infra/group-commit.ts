type Pending<I, R> = { item: I; resolve: (result: R) => void; reject: (error: unknown) => void };

/**
 * Group commit: items submitted while a statement is in flight gather and go out together in
 * the next one, so making every call durable before its answer costs one round trip per batch,
 * not per call. An idle committer writes at once (no added latency); `maxDelayMs` > 0 also
 * waits that long for company before the first write. `write` gets a batch and answers one
 * result per item, in order; when it throws, every item of the batch is rejected.
 *
 * `burstDelayMs` > 0: an item that arrives within twice that of the previous one is part of a
 * burst (calls answered together come back together), so it waits up to that long for the rest
 * instead of taking a statement of its own — unless it is `urgent` (its caller is waiting on
 * the write alone). A lone item, or one after a pause, still writes at once. Callers whose write
 * overlaps other work (a charge written while the model runs) lose nothing by the wait, and
 * under a flood the writes per call fall, which on the embedded database is this thread's time.
 */
export class GroupCommit<I, R> {
  private pending: Pending<I, R>[] = [];
  private flushing = false;
  private timer: NodeJS.Timeout | null = null;
  private lastSubmitAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly write: (items: I[]) => Promise<R[]>,
    private readonly options: {
      maxDelayMs: number;
      maxBatch: number;
      burstDelayMs?: number;
      onError?: (error: unknown, size: number) => void;
    },
  ) {}

  /** `urgent`: the caller waits on this write alone, so it never waits for a burst's company. */
  submit(item: I, urgent = false): Promise<R> {
    const now = performance.now();
    const burstDelayMs = this.options.burstDelayMs ?? 0;
    const inBurst = !urgent && now - this.lastSubmitAt < 2 * burstDelayMs;
    this.lastSubmitAt = now;
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule(inBurst ? burstDelayMs : 0);
    });
  }

  /** Waits until everything submitted so far is written (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.pending.length || this.flushing) await new Promise((r) => setTimeout(r, 1));
  }

  /**
   * `burstWaitMs`: how long the newest item may wait for company (0: not at all). An item that
   * may not wait takes whatever is gathering behind a timer with it.
   */
  private schedule(burstWaitMs: number): void {
    if (this.flushing) return; // it goes out with the next batch, right after this write
    const waitMs = Math.max(this.options.maxDelayMs, burstWaitMs);
    if (this.pending.length >= this.options.maxBatch || waitMs <= 0) {
      void this.flush();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, waitMs);
  }

  private async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending.splice(0, this.options.maxBatch);
    if (!batch.length) return;
    this.flushing = true;
    try {
      const results = await this.write(batch.map((p) => p.item));
      for (const [i, p] of batch.entries()) p.resolve(results[i] as R);
    } catch (error) {
      this.options.onError?.(error, batch.length);
      for (const p of batch) p.reject(error);
    } finally {
      this.flushing = false;
      // What arrived during this write goes out now, together.
      if (this.pending.length) void this.flush();
    }
  }
}
