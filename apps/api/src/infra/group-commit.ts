type Pending<I, R> = { item: I; resolve: (result: R) => void; reject: (error: unknown) => void };

/**
 * Group commit: items submitted while a statement is in flight gather and go out together in
 * the next one, so making every call durable before its answer costs one round trip per batch,
 * not per call. An idle committer writes at once (no added latency); `maxDelayMs` > 0 also
 * waits that long for company before the first write. `write` gets a batch and answers one
 * result per item, in order; when it throws, every item of the batch is rejected.
 */
export class GroupCommit<I, R> {
  private pending: Pending<I, R>[] = [];
  private flushing = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: (items: I[]) => Promise<R[]>,
    private readonly options: {
      maxDelayMs: number;
      maxBatch: number;
      onError?: (error: unknown, size: number) => void;
    },
  ) {}

  submit(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Waits until everything submitted so far is written (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.pending.length || this.flushing) await new Promise((r) => setTimeout(r, 1));
  }

  private schedule(): void {
    if (this.flushing || this.timer) return;
    if (this.pending.length >= this.options.maxBatch || this.options.maxDelayMs <= 0) {
      void this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.options.maxDelayMs);
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
