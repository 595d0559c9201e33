import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, Clock, HOUR_MS } from '@phananh/core';
import { FileToRemove, TicketStore } from '@phananh/ticket-store';
import { AttachmentStore } from './attachments/attachment-store';

export const DAY_MS = 24 * HOUR_MS;
/** Tickets erased per transaction. */
export const RETENTION_BATCH = 1000;
/** Files looked up, removed and forgotten per round. */
export const FILE_REMOVAL_BATCH = 500;
/** Real time one run may spend erasing before leaving the rest to the next run (they come every RETENTION_SWEEP_INTERVAL_MS). */
export const RETENTION_BUDGET_MS = 20_000;

/** What one run did: counts only, never whose data. */
export interface RetentionOutcome extends Record<string, unknown> {
  /** Tickets whose personal data was erased. */
  tickets: number;
  /** Proof files removed from the attachment store. */
  files: number;
  /** Files whose removal failed: kept for the next run (their ticket is erased all the same). */
  filesFailed: number;
}

/**
 * The end of personal data (docs/api.md, "Personal data and its end"): RETENTION_DAYS after
 * its campaign's cutoff — outside a campaign, after it was closed — a closed ticket's identity
 * number, phone, name, date of birth, free texts, history notes and proof files are erased.
 * The worker runs it as the `pii-retention` job, on the service's clock.
 *
 * Rows first, files after: each batch erases its tickets in one transaction
 * (TicketStore.erasePersonalData, which keeps each attachment's storage key), and only then
 * are the files removed and their keys forgotten. A removal that fails leaves its key, so
 * the next run finishes it; a crash between the two loses no erasure. Any number of workers
 * can run it at once (the claims skip locked rows; removing a file twice is harmless).
 */
@Injectable()
export class PiiRetention {
  private readonly logger = new Logger(PiiRetention.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly store: TicketStore,
    private readonly files: AttachmentStore,
  ) {}

  /** The instant a campaign's cutoff (or a ticket's closing, outside campaigns) must be at or before for erasure. */
  retainedSince(now: Date): Date {
    return new Date(now.getTime() - this.config.RETENTION_DAYS * DAY_MS);
  }

  async run(budgetMs = RETENTION_BUDGET_MS): Promise<RetentionOutcome> {
    const started = performance.now();
    const outcome: RetentionOutcome = { tickets: 0, files: 0, filesFailed: 0 };
    for (;;) {
      const now = this.clock.now();
      const batch = await this.store.erasePersonalData(this.retainedSince(now), now, RETENTION_BATCH);
      outcome.tickets += batch.tickets;
      if (batch.tickets < RETENTION_BATCH || performance.now() - started > budgetMs) break;
    }
    // Also those a failed or interrupted run left behind.
    const removal = await this.removeFiles();
    outcome.files = removal.removed;
    outcome.filesFailed = removal.failed;
    if (outcome.tickets || outcome.files || outcome.filesFailed) {
      this.logger.log(
        { tickets: outcome.tickets, files: outcome.files, filesFailed: outcome.filesFailed },
        'personal data erased',
      );
    }
    return outcome;
  }

  /** Removes the files of erased tickets, then forgets their keys; stops at the first round with a failure. */
  private async removeFiles(): Promise<{ removed: number; failed: number }> {
    let removed = 0;
    for (;;) {
      const pending: FileToRemove[] = await this.store.filesToRemove(this.db, FILE_REMOVAL_BATCH);
      if (!pending.length) return { removed, failed: 0 };
      const results = await Promise.allSettled(pending.map((f) => this.files.remove(f.storageKey)));
      const gone = pending.filter((_, i) => results[i].status === 'fulfilled').map((f) => f.id);
      await this.store.forgetRemovedFiles(this.db, gone);
      removed += gone.length;
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failures.length) {
        // The code only (ENOSPC, EACCES…): a message would carry the file's path.
        const codes = [...new Set(failures.map((f) => (f.reason as NodeJS.ErrnoException)?.code ?? 'unknown'))];
        this.logger.warn({ failed: failures.length, codes }, 'proof files not removed; the next run retries them');
        return { removed, failed: failures.length };
      }
      if (pending.length < FILE_REMOVAL_BATCH) return { removed, failed: 0 };
    }
  }
}
