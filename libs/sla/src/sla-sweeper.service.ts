import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AlertDispatcher,
  AlertKind,
  AlertWriter,
  NewAlertEvent,
  RecordedAlerts,
  addRecorded,
  emptyRecorded,
  ticketAlertKey,
} from '@phananh/alerts';
import { Clock } from '@phananh/core';
import { CampaignCutoffService } from './campaign-cutoff.service';
import { CampaignsService } from './campaigns.service';
import { SlaStage, advanceLadder } from './deadlines';

/** Rows claimed per transaction: about 30 ms of PostgreSQL work for a full batch on this machine. */
export const SWEEP_BATCH = 1000;
/** Real time one sweep may spend before leaving the rest to the next (they run every SLA_SWEEP_INTERVAL_MS). */
export const SWEEP_BUDGET_MS = 2000;

/**
 * The open statuses and history actions of @phananh/tickets, spelled out: tickets depends on
 * this lib (deadline rules), so this lib must not import it back. Persisted values; never rename.
 */
const OPEN_STATUS_SQL = `('ASSIGNED', 'IN_PROGRESS', 'DEFERRED')`;

const STAGE_KIND: Record<SlaStage.DueSoon | SlaStage.Overdue | SlaStage.Escalated, AlertKind> = {
  [SlaStage.DueSoon]: AlertKind.DueSoon,
  [SlaStage.Overdue]: AlertKind.Overdue,
  [SlaStage.Escalated]: AlertKind.Escalated,
};

interface DueRow {
  id: string;
  open: boolean;
  due_at: Date;
  sla_stage: SlaStage;
  campaign_code: string | null;
  unit_code: string;
}

export interface SweepOutcome extends Record<string, unknown> {
  tickets: number;
  fired: number;
  alerts: number;
  cutoffs: number;
}

/**
 * The SLA engine's one moving part. Every open ticket carries its ladder position in
 * PostgreSQL (sla_stage, sla_next_at, partially indexed); each sweep claims the rows whose
 * next stage is due with FOR UPDATE SKIP LOCKED, fires their stages and advances them,
 * set-based, one transaction per batch. Several workers sweep at once without overlap,
 * and Redis holds no per-ticket state at all: a flush loses nothing.
 */
@Injectable()
export class SlaSweeper {
  private readonly logger = new Logger(SlaSweeper.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly campaigns: CampaignsService,
    private readonly writer: AlertWriter,
    private readonly dispatcher: AlertDispatcher,
    private readonly cutoffs: CampaignCutoffService,
  ) {}

  async sweep(budgetMs = SWEEP_BUDGET_MS): Promise<SweepOutcome> {
    const started = performance.now();
    const outcome: SweepOutcome = { tickets: 0, fired: 0, alerts: 0, cutoffs: 0 };
    // A cutoff whose delayed job Redis lost (or that a FakeClock jumped over) is enforced here.
    // Kept apart so that a failing cutoff can never hold the ladder up.
    outcome.cutoffs = await this.cutoffs.processDue().catch((err: Error) => {
      this.logger.error({ err: err.message }, 'campaign cutoff failed; the next sweep retries it');
      return 0;
    });
    for (;;) {
      const batch = await this.sweepBatch(SWEEP_BATCH);
      outcome.tickets += batch.tickets;
      outcome.fired += batch.fired;
      outcome.alerts += batch.recorded.alerts;
      await this.dispatcher.dispatch(batch.recorded);
      if (batch.tickets < SWEEP_BATCH || performance.now() - started > budgetMs) return outcome;
    }
  }

  /** One batch in one transaction: claim, advance, and record every stage that came due. */
  async sweepBatch(limit: number): Promise<{ tickets: number; fired: number; recorded: RecordedAlerts }> {
    return this.db.transaction(async (m) => {
      const now = this.clock.now();
      const rows: DueRow[] = await m.query(
        `SELECT id, status IN ${OPEN_STATUS_SQL} AS open, due_at, sla_stage, campaign_code, unit_code
         FROM tickets
         WHERE sla_next_at <= $1
         ORDER BY sla_next_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED`,
        [now, limit],
      );
      if (rows.length === 0) return { tickets: 0, fired: 0, recorded: emptyRecorded() };

      const ids: string[] = [];
      const stages: number[] = [];
      const nextAts: (string | null)[] = [];
      const overdue: boolean[] = [];
      const history: { ticketId: string; action: 'OVERDUE' | 'ESCALATED' }[] = [];
      const events: NewAlertEvent[] = [];
      for (const row of rows) {
        ids.push(row.id);
        if (!row.open) {
          // A closed ticket whose schedule was not cleared: clear it, never alert.
          stages.push(row.sla_stage);
          nextAts.push(null);
          overdue.push(false);
          continue;
        }
        const policy = this.campaigns.policyOf(
          row.campaign_code ? await this.campaigns.byCode(row.campaign_code) : undefined,
        );
        const step = advanceLadder(row.sla_stage, row.due_at, policy, now);
        stages.push(step.slaStage);
        nextAts.push(step.slaNextAt?.toISOString() ?? null);
        overdue.push(step.fired.some((f) => f.stage === SlaStage.Overdue));
        for (const fired of step.fired) {
          const kind = STAGE_KIND[fired.stage];
          if (fired.stage !== SlaStage.DueSoon) {
            history.push({
              ticketId: row.id,
              action: fired.stage === SlaStage.Overdue ? 'OVERDUE' : 'ESCALATED',
            });
          }
          events.push({
            kind,
            dedupeKey: ticketAlertKey(kind, row.id, row.due_at),
            ticketId: row.id,
            deadlineAt: row.due_at,
            unitCode: row.unit_code,
            campaignCode: row.campaign_code,
            summary: null,
            occurredAt: fired.at,
          });
        }
      }

      await m.query(
        `UPDATE tickets t
         SET sla_stage = u.stage, sla_next_at = u.next_at,
             overdue_since = CASE WHEN u.overdue THEN t.due_at ELSE t.overdue_since END
         FROM unnest($1::bigint[], $2::smallint[], $3::timestamptz[], $4::boolean[]) AS u(id, stage, next_at, overdue)
         WHERE t.id = u.id`,
        [ids, stages, nextAts, overdue],
      );
      if (history.length) {
        await m.query(
          `INSERT INTO ticket_events (ticket_id, at, action, is_public)
           SELECT h.ticket_id, $3, h.action, false FROM unnest($1::bigint[], $2::text[]) AS h(ticket_id, action)`,
          [history.map((h) => h.ticketId), history.map((h) => h.action), now],
        );
      }
      const recorded = await this.writer.record(m, events, now);
      return { tickets: rows.length, fired: events.length, recorded: addRecorded(emptyRecorded(), recorded) };
    });
  }
}
