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
import { NewTicketEvent, OPEN_STATUS_SQL, SlaStep, TicketAction, TicketStore } from '@phananh/ticket-store';
import { CampaignCutoffService } from './campaign-cutoff.service';
import { CampaignsService } from './campaigns.service';
import { SlaStage, advanceLadder } from './deadlines';

/** Rows claimed per transaction: about 30 ms of PostgreSQL work for a full batch on this machine. */
export const SWEEP_BATCH = 1000;
/** Real time one sweep may spend before leaving the rest to the next (they run every SLA_SWEEP_INTERVAL_MS). */
export const SWEEP_BUDGET_MS = 2000;

/**
 * The batch's claim: the tickets whose next stage is due, oldest first, locked so that another
 * sweeper skips them (exported so that a test EXPLAINs exactly this statement).
 */
export const CLAIM_DUE_SQL = `
  SELECT id, status IN ${OPEN_STATUS_SQL} AS open, due_at, closed_at, sla_stage, campaign_code, unit_code
  FROM tickets
  WHERE sla_next_at <= $1
  ORDER BY sla_next_at
  LIMIT $2
  FOR UPDATE SKIP LOCKED`;

const STAGE_KIND: Record<SlaStage.DueSoon | SlaStage.Overdue | SlaStage.Escalated, AlertKind> = {
  [SlaStage.DueSoon]: AlertKind.DueSoon,
  [SlaStage.Overdue]: AlertKind.Overdue,
  [SlaStage.Escalated]: AlertKind.Escalated,
};

interface DueRow {
  id: string;
  open: boolean;
  due_at: Date;
  closed_at: Date | null;
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
    private readonly store: TicketStore,
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
      const rows: DueRow[] = await m.query(CLAIM_DUE_SQL, [now, limit]);
      if (rows.length === 0) return { tickets: 0, fired: 0, recorded: emptyRecorded() };

      const steps: SlaStep[] = [];
      const history: NewTicketEvent[] = [];
      const events: NewAlertEvent[] = [];
      for (const row of rows) {
        const policy = this.campaigns.policyOf(
          row.campaign_code ? await this.campaigns.byCode(row.campaign_code) : undefined,
        );
        // A ticket closed while this sweep lagged still gets the stages that came due while it
        // was open (up to its closing, TicketStore.update keeps them), and nothing after.
        const until = row.open || !row.closed_at ? now : row.closed_at;
        const step = advanceLadder(row.sla_stage, row.due_at, policy, until);
        steps.push({
          id: row.id,
          slaStage: step.slaStage,
          slaNextAt: row.open ? step.slaNextAt : null,
          overdue: step.fired.some((f) => f.stage === SlaStage.Overdue),
        });
        for (const fired of step.fired) {
          const kind = STAGE_KIND[fired.stage];
          if (fired.stage !== SlaStage.DueSoon) {
            const action = fired.stage === SlaStage.Overdue ? TicketAction.Overdue : TicketAction.Escalated;
            history.push({ ticketId: row.id, at: now, action });
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

      await this.store.advanceSla(m, steps);
      await this.store.appendEvents(m, history);
      const recorded = await this.writer.record(m, events, now);
      return { tickets: rows.length, fired: events.length, recorded: addRecorded(emptyRecorded(), recorded) };
    });
  }
}
