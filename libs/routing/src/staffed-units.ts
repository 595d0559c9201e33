import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TtlCache } from '@phananh/core';

/** How long a process trusts its set of staffed units; a change made by another process is seen within this. */
export const STAFFED_UNITS_TTL_MS = 3_000;

/**
 * The units that have at least one active official (an officer or supervisor of that
 * unit, not disabled), from one query over `users`, kept in memory for a few seconds:
 * every report is routed with it, and officials change rarely. Concurrent callers share
 * one query.
 */
@Injectable()
export class StaffedUnits {
  private readonly cache = new TtlCache<ReadonlySet<string>>({ ttlMs: STAFFED_UNITS_TTL_MS, load: () => this.load() });

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  get(): Promise<ReadonlySet<string>> {
    return this.cache.get();
  }

  /** Forgets the cached set: call it after creating, moving, enabling or disabling an official. */
  invalidate(): void {
    this.cache.invalidate();
  }

  private async load(): Promise<ReadonlySet<string>> {
    const rows: { unitCode: string }[] = await this.db.query(
      `SELECT DISTINCT unit_code AS "unitCode" FROM users
       WHERE role IN ('OFFICER', 'SUPERVISOR') AND disabled_at IS NULL AND unit_code IS NOT NULL`,
    );
    return new Set(rows.map((r) => r.unitCode));
  }
}
