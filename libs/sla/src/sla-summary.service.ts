import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, HOUR_MS } from '@phananh/core';
import { ReferenceService, Unit, UnitRef } from '@phananh/reference';
import { OPEN_STATUS_SQL, overdueSql } from '@phananh/ticket-store';
import { CampaignsService } from './campaigns.service';

/** The handling pace is measured over this many recent clock hours. */
export const PACE_WINDOW_HOURS = 6;

export type SummaryUnit = UnitRef;

export interface SlaFigures {
  received: number;
  open: number;
  overdue: number;
  resolvedOnTime: number;
  resolvedLate: number;
  rejected: number;
  /** resolvedOnTime / (resolvedOnTime + resolvedLate); null before anything is resolved. */
  onTimeRate: number | null;
  /** At the pace of the last PACE_WINDOW_HOURS, the open tickets will not all be finished before the cutoff. */
  atRisk: boolean;
}

export interface SlaRow extends SlaFigures {
  unit: SummaryUnit;
}

export interface SlaSummary {
  /** The unit summarised; null for the whole country (an admin without a unit filter). */
  unit: SummaryUnit | null;
  campaign: string | null;
  rows: SlaRow[];
  total: SlaFigures & { unit: SummaryUnit | null };
}

/** Whose tickets a summary counts: a unit's subtree, only the unit's own tickets (an officer), or everything. */
export type SummaryScope = { kind: 'country' } | { kind: 'subtree' | 'own'; unit: Unit };

interface CountRow {
  key: string;
  received: number;
  open: number;
  overdue: number;
  resolved_on_time: number;
  resolved_late: number;
  rejected: number;
  closed_recently: number;
  last_due: Date | null;
}

/**
 * SLA figures computed from the tickets and their history on every request (never from
 * counters that can drift), one row per unit directly below the one summarised.
 */
@Injectable()
export class SlaSummaryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly reference: ReferenceService,
    private readonly campaigns: CampaignsService,
  ) {}

  async summary(scope: SummaryScope, campaignCode?: string): Promise<SlaSummary> {
    const now = this.clock.now();
    const params: unknown[] = [now, new Date(now.getTime() - PACE_WINDOW_HOURS * HOUR_MS)];
    const { where, key, children } = this.grouping(scope, params);
    if (campaignCode) {
      params.push(campaignCode);
      where.push(`t.campaign_code = $${params.length}`);
    }
    const rows: CountRow[] = await this.db.query(
      `WITH closures AS (
         SELECT DISTINCT e.ticket_id FROM ticket_events e
         WHERE e.action IN ('RESOLVED', 'REJECTED') AND e.at > $2 AND e.at <= $1
       )
       SELECT ${key} AS key,
              count(*)::int AS received,
              count(*) FILTER (WHERE t.status IN ${OPEN_STATUS_SQL})::int AS open,
              count(*) FILTER (WHERE ${overdueSql('t', '$1')})::int AS overdue,
              count(*) FILTER (WHERE t.status = 'RESOLVED' AND t.closed_at <= t.due_at)::int AS resolved_on_time,
              count(*) FILTER (WHERE t.status = 'RESOLVED' AND t.closed_at > t.due_at)::int AS resolved_late,
              count(*) FILTER (WHERE t.status = 'REJECTED')::int AS rejected,
              count(c.ticket_id) FILTER (WHERE t.status NOT IN ${OPEN_STATUS_SQL})::int AS closed_recently,
              max(t.due_at) FILTER (WHERE t.status IN ${OPEN_STATUS_SQL}) AS last_due
       FROM tickets t
       LEFT JOIN closures c ON c.ticket_id = t.id
       WHERE ${where.join(' AND ')}
       GROUP BY 1`,
      params,
    );
    const horizon = await this.cutoffHorizon(now, campaignCode);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const units = [...children];
    // Tickets held by the summarised unit itself (not by a unit below it) get a row of their own.
    if (scope.kind !== 'country' && byKey.has(scope.unit.code) && !units.some((u) => u.code === scope.unit.code)) {
      units.unshift(scope.unit);
    }
    const out: SlaRow[] = units.map((u) => ({
      unit: this.reference.unitRef(u.code),
      ...figures(byKey.get(u.code) ?? null, now, horizon),
    }));
    const total = rows.reduce<CountRow | null>((acc, r) => sumRows(acc, r), null);
    const unit = scope.kind === 'country' ? null : this.reference.unitRef(scope.unit.code);
    return { unit, campaign: campaignCode ?? null, rows: out, total: { unit, ...figures(total, now, horizon) } };
  }

  private grouping(scope: SummaryScope, params: unknown[]): { where: string[]; key: string; children: Unit[] } {
    if (scope.kind === 'country') {
      return { where: ['TRUE'], key: 't.province_code', children: this.reference.allProvinces() };
    }
    params.push(scope.unit.code);
    const code = `$${params.length}`;
    if (scope.kind === 'own' || scope.unit.level === 'ward') {
      return { where: [`t.unit_code = ${code}`], key: 't.unit_code', children: [scope.unit] };
    }
    if (scope.unit.level === 'province') {
      return {
        where: [`t.province_code = ${code}`],
        key: 'coalesce(t.district_code, t.unit_code)',
        children: this.reference.childrenOf(scope.unit.code),
      };
    }
    return {
      where: [`t.district_code = ${code}`],
      key: 't.unit_code',
      children: this.reference.childrenOf(scope.unit.code),
    };
  }

  /**
   * The instant the open tickets must be finished by: the named campaign's cutoff, else the
   * cutoff of the campaign running now; null outside any campaign (then each row's latest deadline).
   */
  private async cutoffHorizon(now: Date, campaignCode?: string): Promise<Date | null> {
    const list = await this.campaigns.list();
    if (campaignCode) return list.find((c) => c.code === campaignCode)?.cutoffAt ?? null;
    const running = list.filter((c) => c.intakeFrom <= now && now < c.cutoffAt);
    return running.length ? running[running.length - 1].cutoffAt : null;
  }
}

function sumRows(acc: CountRow | null, r: CountRow): CountRow {
  if (!acc) return { ...r };
  return {
    key: acc.key,
    received: acc.received + r.received,
    open: acc.open + r.open,
    overdue: acc.overdue + r.overdue,
    resolved_on_time: acc.resolved_on_time + r.resolved_on_time,
    resolved_late: acc.resolved_late + r.resolved_late,
    rejected: acc.rejected + r.rejected,
    closed_recently: acc.closed_recently + r.closed_recently,
    last_due: !acc.last_due || (r.last_due && r.last_due > acc.last_due) ? r.last_due : acc.last_due,
  };
}

/** The figures of one row, with the forecast: closures per hour over the window, projected to the horizon. */
export function figures(row: Omit<CountRow, 'key'> | null, now: Date, cutoff: Date | null): SlaFigures {
  const r = row ?? {
    received: 0,
    open: 0,
    overdue: 0,
    resolved_on_time: 0,
    resolved_late: 0,
    rejected: 0,
    closed_recently: 0,
    last_due: null,
  };
  const resolved = r.resolved_on_time + r.resolved_late;
  return {
    received: r.received,
    open: r.open,
    overdue: r.overdue,
    resolvedOnTime: r.resolved_on_time,
    resolvedLate: r.resolved_late,
    rejected: r.rejected,
    onTimeRate: resolved ? Math.round((r.resolved_on_time / resolved) * 10_000) / 10_000 : null,
    atRisk: atRisk(r.open, r.closed_recently / PACE_WINDOW_HOURS, now, cutoff ?? r.last_due),
  };
}

/** Will `open` tickets, closed at `perHour`, not all be finished by `horizon`? */
export function atRisk(open: number, perHour: number, now: Date, horizon: Date | null): boolean {
  if (open === 0) return false;
  if (!horizon || horizon.getTime() <= now.getTime()) return true;
  const hoursLeft = (horizon.getTime() - now.getTime()) / HOUR_MS;
  return perHour * hoursLeft < open;
}
