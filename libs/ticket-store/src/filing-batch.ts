/** Batches a filing waits for at most: concurrent requests beyond these share the next statement. */
export const FILING_STATEMENTS_IN_FLIGHT = 4;
/** Filings per statement at most (each is one row of every array parameter). */
export const FILING_BATCH_MAX = 200;

interface Pending<T> {
  item: T;
  resolve(created: boolean): void;
  reject(err: unknown): void;
}

/**
 * Group commit: collects the filings that arrive while earlier statements are running and
 * sends each group as one statement. No timer, so a lone filing goes out at once (within the
 * same turn of the event loop), and under load the batches grow by themselves, with one
 * commit (one WAL flush) and one round trip for all of them. `flush` writes one batch and
 * answers the keys of the items it wrote (an item missing from the answer hit an open
 * duplicate); for a batch that hit a unique violation (a taken tracking code or idempotency
 * key) each item is sent again alone, so each gets its own answer or error as if it had been alone.
 */
export class FilingBatcher<T> {
  private queue: Pending<T>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly flush: (batch: T[]) => Promise<Set<string>>,
    private readonly keyOf: (item: T) => string,
    private readonly isUniqueViolation: (err: unknown) => boolean,
    private readonly maxInFlight = FILING_STATEMENTS_IN_FLIGHT,
    private readonly maxBatch = FILING_BATCH_MAX,
  ) {}

  insert(item: T): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
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

  private async run(batch: Pending<T>[]): Promise<void> {
    try {
      const created = await this.flush(batch.map((p) => p.item));
      for (const p of batch) p.resolve(created.has(this.keyOf(p.item)));
    } catch (err) {
      if (batch.length > 1 && this.isUniqueViolation(err)) {
        await Promise.all(batch.map((p) => this.run([p])));
      } else {
        for (const p of batch) p.reject(err);
      }
    }
  }
}
