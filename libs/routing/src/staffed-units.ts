import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

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
  private cache: { at: number; units: ReadonlySet<string> } | null = null;
  private loading: Promise<ReadonlySet<string>> | null = null;
  private generation = 0;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async get(): Promise<ReadonlySet<string>> {
    if (this.cache && performance.now() - this.cache.at < STAFFED_UNITS_TTL_MS) return this.cache.units;
    this.loading ??= this.load(this.generation);
    return this.loading;
  }

  /** Forgets the cached set: call it after creating, moving, enabling or disabling an official. */
  invalidate(): void {
    this.generation++;
    this.cache = null;
    this.loading = null;
  }

  private async load(generation: number): Promise<ReadonlySet<string>> {
    const at = performance.now();
    try {
      const rows: { unitCode: string }[] = await this.db.query(
        `SELECT DISTINCT unit_code AS "unitCode" FROM users
         WHERE role IN ('OFFICER', 'SUPERVISOR') AND disabled_at IS NULL AND unit_code IS NOT NULL`,
      );
      const units: ReadonlySet<string> = new Set(rows.map((r) => r.unitCode));
      // An invalidate() while the query ran may have made this answer stale: use it once, do not keep it.
      if (generation === this.generation) this.cache = { at, units };
      return units;
    } finally {
      if (generation === this.generation) this.loading = null;
    }
  }
}
