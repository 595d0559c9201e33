import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, HOUR_MS } from '@phananh/core';

/** Idempotency keys answer retries for 24 hours (docs/api.md, "Idempotency"); after that they are removed. */
export const IDEMPOTENCY_TTL_MS = 24 * HOUR_MS;

/** Removes expired idempotency keys; the worker runs it as the hourly cleanup job. */
@Injectable()
export class IdempotencyRetention {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** How many keys were removed. */
  async removeExpired(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - IDEMPOTENCY_TTL_MS);
    const [, removed] = await this.db.query(`DELETE FROM idempotency_keys WHERE created_at < $1`, [before]);
    return removed;
  }

  /**
   * Removes every idempotency key, after BLIND_INDEX_KEY changed: their request fingerprints
   * are keyed by it and cannot be recomputed (the bodies are not kept). A retry with a removed
   * key is filed again and meets its own report as an open duplicate. How many.
   */
  async removeAll(): Promise<number> {
    const [, removed] = await this.db.query(`DELETE FROM idempotency_keys`);
    return removed;
  }
}
