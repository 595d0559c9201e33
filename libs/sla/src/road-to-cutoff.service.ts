import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, HOUR_MS } from '@phananh/core';
import { ReferenceService, Unit, UnitRef } from '@phananh/reference';
import { OPEN_STATUS_SQL } from '@phananh/ticket-store';
import { Campaign } from './campaign';
import { PACE_WINDOW_HOURS } from './sla-summary.service';

/** A burn-down has at most about this many points, whatever the campaign's length (hourly for a 10-day campaign). */
export const MAX_BURNDOWN_POINTS = 240;

/**
 * Whose tickets the road counts: a unit and the units below it (a supervisor, an admin
 * naming a unit), only the unit's own tickets (an officer), or the whole country (an admin).
 */
export type RoadScope = { kind: 'country' } | { kind: 'subtree' | 'own'; unit: Unit };

export interface BurndownPoint {
  /** The end of the step: the open count is as it stood at this instant. */
  at: Date;
  /** Tickets of the campaign received and not closed at `at`. */
  open: number;
  /** Received during the step. */
  filed: number;
  /** Closed (resolved, rejected, merged, withdrawn) during the step. */
  closed: number;
}

export interface Burndown {
  campaign: Campaign;
  stepMinutes: number;
  now: Date;
  /** From the campaign's start to now (or to the cutoff once it has passed), one point per step. */
  points: BurndownPoint[];
  openNow: number;
  /** Closures per hour over the last PACE_WINDOW_HOURS. */
  pacePerHour: number;
  /** Closures per hour needed from now to finish every open ticket by the cutoff; null once the cutoff has passed. */
  neededPerHour: number | null;
  /** When the open tickets will all be closed at the current pace; now when none is open; null when the pace is zero. */
  projectedFinishAt: Date | null;
  /** Projected to finish by the cutoff. */
  onTrack: boolean;
}

export interface OnTimeDay {
  /** The local (Viet Nam) day the tickets were resolved, YYYY-MM-DD. */
  day: string;
  resolvedOnTime: number;
  resolvedLate: number;
  /** resolvedOnTime / (resolvedOnTime + resolvedLate); null on a day without resolutions. */
  onTimeRate: number | null;
}

export interface AtRiskUnit {
  unit: UnitRef;
  open: number;
  pacePerHour: number;
  neededPerHour: number | null;
  projectedFinishAt: Date | null;
}

interface PassRow {
  set: number;
  bucket: Date | null;
  day: string | null;
  n: number;
  on_time: number;
  late: number;
}

/**
 * The road to a campaign's cutoff for an area: its burn-down (open tickets over time, the
 * pace needed, the projected finish), its on-time rate by day, and the units below it
 * projected to miss. Computed from the tickets on every request, like the SLA figures,
 * each from one index-only pass over ix_tickets_campaign_road (the campaign, then the area
 * as a key prefix): no counter to drift, and the cost is that of the area's tickets only.
 */
@Injectable()
export class RoadToCutoffService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly reference: ReferenceService,
  ) {}

  /** The step of a campaign's burn-down: whole hours, at most MAX_BURNDOWN_POINTS from its start to its cutoff. */
  static stepMs(campaign: Campaign): number {
    const span = campaign.cutoffAt.getTime() - campaign.intakeFrom.getTime();
    return Math.max(1, Math.ceil(span / MAX_BURNDOWN_POINTS / HOUR_MS)) * HOUR_MS;
  }

  /** The SQL of the one pass behind the burn-down and the on-time days (public so that a test can EXPLAIN it). */
  passSql(scope: RoadScope, campaign: Campaign): { sql: string; params: unknown[] } {
    const params: unknown[] = [`${RoadToCutoffService.stepMs(campaign) / 1000} seconds`, campaign.intakeFrom];
    const where = this.where(scope, campaign, params);
    // Three grouping sets in one scan: received per step, closed per step, resolved per local day.
    return {
      sql: `SELECT CASE WHEN GROUPING(date_bin($1::interval, t.received_at, $2)) = 0 THEN 0
                        WHEN GROUPING(date_bin($1::interval, t.closed_at, $2)) = 0 THEN 1 ELSE 2 END AS set,
                   coalesce(date_bin($1::interval, t.received_at, $2), date_bin($1::interval, t.closed_at, $2)) AS bucket,
                   to_char(timezone('Asia/Ho_Chi_Minh', t.closed_at), 'YYYY-MM-DD') AS day,
                   count(*)::int AS n,
                   count(*) FILTER (WHERE t.status = 'RESOLVED' AND t.closed_at <= t.due_at)::int AS on_time,
                   count(*) FILTER (WHERE t.status = 'RESOLVED' AND t.closed_at > t.due_at)::int AS late
            FROM tickets t
            WHERE ${where}
            GROUP BY GROUPING SETS ((date_bin($1::interval, t.received_at, $2)),
                                    (date_bin($1::interval, t.closed_at, $2)),
                                    (to_char(timezone('Asia/Ho_Chi_Minh', t.closed_at), 'YYYY-MM-DD')))`,
      params,
    };
  }

  async burndown(scope: RoadScope, campaign: Campaign): Promise<{ burndown: Burndown; onTime: OnTimeDay[] }> {
    const now = this.clock.now();
    const step = RoadToCutoffService.stepMs(campaign);
    const { sql, params } = this.passSql(scope, campaign);
    const rows: PassRow[] = await this.db.query(sql, params);
    const filed = new Map<number, number>();
    const closed = new Map<number, number>();
    const days: OnTimeDay[] = [];
    for (const r of rows) {
      if (r.set === 0 && r.bucket) filed.set(r.bucket.getTime(), r.n);
      else if (r.set === 1 && r.bucket) closed.set(r.bucket.getTime(), r.n);
      else if (r.set === 2 && r.day && r.on_time + r.late > 0) {
        days.push({
          day: r.day,
          resolvedOnTime: r.on_time,
          resolvedLate: r.late,
          onTimeRate: Math.round((r.on_time / (r.on_time + r.late)) * 10_000) / 10_000,
        });
      }
    }
    days.sort((a, b) => a.day.localeCompare(b.day));

    const start = campaign.intakeFrom.getTime();
    const end = Math.min(now.getTime(), campaign.cutoffAt.getTime());
    const points: BurndownPoint[] = [];
    let open = 0;
    // Anything received or closed before the campaign's start (a back-dated import) counts from the first step.
    for (const [at, n] of filed) if (at < start) open += n;
    for (const [at, n] of closed) if (at < start) open -= n;
    for (let from = start; from < end; from += step) {
      const f = filed.get(from) ?? 0;
      const c = closed.get(from) ?? 0;
      open += f - c;
      points.push({ at: new Date(Math.min(from + step, end)), open, filed: f, closed: c });
    }
    // Steps are half-open, [from, from + step): what happened at `now` itself, when now falls on a
    // step's start, belongs to the last point (the open count at now), as it does for `openNow`.
    const last = points.at(-1);
    if (last && end === now.getTime() && (filed.has(end) || closed.has(end))) {
      const f = filed.get(end) ?? 0;
      const c = closed.get(end) ?? 0;
      last.filed += f;
      last.closed += c;
      last.open += f - c;
    }
    const openNow = await this.openNow(scope, campaign);
    const recent = await this.closedSince(scope, campaign, new Date(now.getTime() - PACE_WINDOW_HOURS * HOUR_MS));
    return {
      burndown: { campaign, stepMinutes: step / 60_000, now, points, ...forecast(openNow, recent, now, campaign) },
      onTime: days,
    };
  }

  /** The units directly below the area (its own tickets as a row of their own) projected to miss the cutoff. */
  async atRisk(scope: RoadScope, campaign: Campaign): Promise<AtRiskUnit[]> {
    const now = this.clock.now();
    const params: unknown[] = [new Date(now.getTime() - PACE_WINDOW_HOURS * HOUR_MS)];
    const where = this.where(scope, campaign, params);
    const key =
      scope.kind === 'country'
        ? 't.province_code'
        : scope.kind === 'own' || scope.unit.level === 'ward'
          ? 't.unit_code'
          : scope.unit.level === 'province'
            ? 'coalesce(t.district_code, t.unit_code)'
            : 't.unit_code';
    const rows: { key: string; open: number; recent: number }[] = await this.db.query(
      `SELECT ${key} AS key,
              count(*) FILTER (WHERE t.status IN ${OPEN_STATUS_SQL})::int AS open,
              count(*) FILTER (WHERE t.closed_at > $1)::int AS recent
       FROM tickets t
       WHERE ${where}
       GROUP BY 1`,
      params,
    );
    return rows
      .map((r) => ({ unit: this.reference.unitRef(r.key), open: r.open, ...forecast(r.open, r.recent, now, campaign) }))
      .filter((r) => !r.onTrack)
      .sort((a, b) => b.open - a.open || a.unit.code.localeCompare(b.unit.code))
      .map(({ unit, open, pacePerHour, neededPerHour, projectedFinishAt }) => ({
        unit,
        open,
        pacePerHour,
        neededPerHour,
        projectedFinishAt,
      }));
  }

  private async openNow(scope: RoadScope, campaign: Campaign): Promise<number> {
    const params: unknown[] = [];
    const where = this.where(scope, campaign, params);
    const [{ n }] = await this.db.query(
      `SELECT count(*)::int AS n FROM tickets t WHERE ${where} AND t.status IN ${OPEN_STATUS_SQL}`,
      params,
    );
    return n;
  }

  private async closedSince(scope: RoadScope, campaign: Campaign, since: Date): Promise<number> {
    const params: unknown[] = [since];
    const where = this.where(scope, campaign, params);
    const [{ n }] = await this.db.query(
      `SELECT count(*)::int AS n FROM tickets t WHERE ${where} AND t.closed_at > $1`,
      params,
    );
    return n;
  }

  /** The campaign and the area as a prefix of ix_tickets_campaign_road: province, then district, then ward. */
  private where(scope: RoadScope, campaign: Campaign, params: unknown[]): string {
    params.push(campaign.code);
    const where = [`t.campaign_code = $${params.length}`];
    if (scope.kind === 'country') return where.join(' AND ');
    const u = scope.unit;
    const eq = (column: string, value: string) => {
      params.push(value);
      where.push(`t.${column} = $${params.length}`);
    };
    eq('province_code', u.provinceCode);
    if (u.level !== 'province' && u.districtCode) eq('district_code', u.districtCode);
    if (scope.kind === 'own' || u.level === 'ward') eq('unit_code', u.code);
    return where.join(' AND ');
  }
}

/** The pace of the last hours projected forward: per hour, needed per hour, the finishing instant, on track or not. */
export function forecast(
  open: number,
  closedRecently: number,
  now: Date,
  campaign: Pick<Campaign, 'cutoffAt'>,
): Pick<Burndown, 'openNow' | 'pacePerHour' | 'neededPerHour' | 'projectedFinishAt' | 'onTrack'> {
  const pacePerHour = Math.round((closedRecently / PACE_WINDOW_HOURS) * 100) / 100;
  const hoursLeft = (campaign.cutoffAt.getTime() - now.getTime()) / HOUR_MS;
  const neededPerHour = hoursLeft > 0 ? Math.round((open / hoursLeft) * 100) / 100 : null;
  const perHourExact = closedRecently / PACE_WINDOW_HOURS;
  const projectedFinishAt =
    open === 0 ? now : perHourExact > 0 ? new Date(now.getTime() + (open / perHourExact) * HOUR_MS) : null;
  const onTrack =
    open === 0 || (projectedFinishAt !== null && projectedFinishAt.getTime() <= campaign.cutoffAt.getTime());
  return { openNow: open, pacePerHour, neededPerHour, projectedFinishAt, onTrack };
}
