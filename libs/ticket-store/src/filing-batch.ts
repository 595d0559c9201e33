/** Batches a filing waits for at most: concurrent requests beyond these share the next statement. */
export const FILING_STATEMENTS_IN_FLIGHT = 4;
/** Filings per statement at most (each is one row of every array parameter). */
export const FILING_BATCH_MAX = 200;

interface Pending<T, R> {
  item: T;
  resolve(outcome: R): void;
  reject(err: unknown): void;
}

/**
 * Group commit: collects the filings that arrive while earlier statements are running and
 * sends each group as one statement. No timer, so a lone filing goes out at once (within the
 * same turn of the event loop), and under load the batches grow by themselves, with one
 * commit (one WAL flush) and one round trip for all of them. `flush` writes one batch and
 * answers each item's outcome by its key (written, a duplicate, over a limit…: the caller's
 * to define); for a batch that hit a unique violation (a taken tracking code or idempotency
 * key) each item is sent again alone, so each gets its own answer or error as if it had been alone.
 */
export class FilingBatcher<T, R> {
  private queue: Pending<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly flush: (batch: T[]) => Promise<ReadonlyMap<string, R>>,
    private readonly keyOf: (item: T) => string,
    private readonly isUniqueViolation: (err: unknown) => boolean,
    private readonly maxInFlight = FILING_STATEMENTS_IN_FLIGHT,
    private readonly maxBatch = FILING_BATCH_MAX,
  ) {}

  insert(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Sends once the current turn of the event loop has queued what it parsed. */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length && this.inFlight < this.maxInFlight) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length) this.schedule();
      });
    }
  }

  private async run(batch: Pending<T, R>[]): Promise<void> {
    let outcomes: ReadonlyMap<string, R>;
    try {
      outcomes = await this.flush(batch.map((p) => p.item));
    } catch (err) {
      if (batch.length > 1 && this.isUniqueViolation(err)) {
        await Promise.all(batch.map((p) => this.run([p])));
      } else {
        for (const p of batch) p.reject(err);
      }
      return;
    }
    for (const p of batch) {
      const key = this.keyOf(p.item);
      if (outcomes.has(key)) p.resolve(outcomes.get(key)!);
      else p.reject(new Error('The filing statement gave no outcome for an item of its batch'));
    }
  }
}
