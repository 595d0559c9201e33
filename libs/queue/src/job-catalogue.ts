import { QueueName } from './queue-names';

/** Every job the worker runs. Values are persisted in Redis: never rename. */
export enum JobName {
  /** Removes expired idempotency keys and other leftovers (repeatable). */
  Cleanup = 'cleanup',
}

/** A job's payload: ids and instants only, never personal data. The database holds the truth. */
export interface JobPayloads {
  [JobName.Cleanup]: Record<string, never>;
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.Cleanup]: QueueName.Maintenance,
};

/**
 * Deterministic job ids: `-` separated, never `:` and never a bare integer (BullMQ rules).
 * A new instant gives a new id, so a moved deadline is never swallowed by an old job.
 */
export const jobId = {
  /** Example shape: `cutoff-<campaign>-<cutoffEpochMs>`. */
  withInstant: (kind: string, key: string, instant: Date) =>
    `${kind}-${key.replace(/[^A-Za-z0-9_-]/g, '_')}-${instant.getTime()}`,
};
