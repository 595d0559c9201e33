import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  AlertDispatcher,
  AlertKind,
  AlertWriter,
  NewAlertEvent,
  RecordedAlerts,
  cutoffAlertKey,
  unitRef,
} from '@phananh/alerts';
import { Clock, toVnIso } from '@phananh/core';
import { JobName, JobOutcome, JobPayloads, QueueService, jobId } from '@phananh/queue';
import { ReferenceService } from '@phananh/reference';
import { TicketStore } from '@phananh/ticket-store';

/** Ticket ids per flagging transaction: a primary-key range scan, so each batch costs the same however big the table. */
export const CUTOFF_ID_SPAN = 20_000;

export const cutoffJobId = (code: string, cutoffAt: Date) => jobId.withInstant('cutoff', code, cutoffAt);

interface CutoffUnitRow {
  province_code: string;
  unit_code: string;
  count: number;
  codes: string[];
}

/** The summary a province's supervisors get at the cutoff (alert `summary`, webhook `summary`). */
export interface CutoffSummary {
  campaign: string;
  cutoffAt: string;
  province: { code: string; name: string };
  total: number;
  units: { unit: { code: string; name: string }; count: number; trackingCodes: string[] }[];
}

/**
 * The campaign cutoff: every ticket of the campaign still open at the cutoff gets
 * cutoffMissed (for good, even if resolved later), and each province's supervisors get one
 * summary of their unfinished tickets by unit. A delayed job per campaign is the alarm
 * clock; the sweep re-checks every campaign past its cutoff, so a lost job only delays it
 * by one sweep. Idempotent and safe with many workers: the campaign row is claimed with
 * SKIP LOCKED per batch, and cutoff_processed_at is set in the transaction that records the
 * summaries.
 */
@Injectable()
export class CampaignCutoffService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly writer: AlertWriter,
    private readonly dispatcher: AlertDispatcher,
    private readonly queues: QueueService,
    private readonly reference: ReferenceService,
    private readonly store: TicketStore,
  ) {}

  /** A delayed job for every campaign not yet processed (idempotent: the job id names the campaign and its cutoff). */
  async scheduleAll(): Promise<number> {
    const rows: { code: string; cutoff_at: Date }[] = await this.db.query(
      `SELECT code, cutoff_at FROM campaigns WHERE cutoff_processed_at IS NULL`,
    );
    for (const row of rows) {
      await this.queues.enqueue(
        JobName.CampaignCutoff,
        { campaignCode: row.code, cutoffAt: row.cutoff_at.toISOString() },
        { jobId: cutoffJobId(row.code, row.cutoff_at), delay: this.clock.msUntil(row.cutoff_at) },
      );
    }
    return rows.length;
  }

  /** The delayed job: stale if the campaign is gone, done, or its cutoff moved since the job was scheduled. */
  async onCutoffJob(data: JobPayloads[JobName.CampaignCutoff]): Promise<JobOutcome> {
    const [row]: { cutoff_at: Date; cutoff_processed_at: Date | null }[] = await this.db.query(
      `SELECT cutoff_at, cutoff_processed_at FROM campaigns WHERE code = $1`,
      [data.campaignCode],
    );
    if (!row || row.cutoff_processed_at || row.cutoff_at.getTime() !== Date.parse(data.cutoffAt)) return 'skipped';
    // Early (another process's clock ahead of ours): the sweep will process it when it is due here.
    if (row.cutoff_at.getTime() > this.clock.now().getTime()) return 'skipped';
    return this.process(data.campaignCode);
  }

  /** Processes every campaign whose cutoff has passed and is not yet processed; returns how many it finished. */
  async processDue(): Promise<number> {
    const due: { code: string }[] = await this.db.query(
      `SELECT code FROM campaigns WHERE cutoff_processed_at IS NULL AND cutoff_at <= $1 ORDER BY cutoff_at`,
      [this.clock.now()],
    );
    let finished = 0;
    for (const { code } of due) {
      const outcome = await this.process(code);
      if (outcome !== 'skipped') finished++;
    }
    return finished;
  }

  async process(code: string): Promise<JobOutcome> {
    let next: bigint | null = null;
    let last: bigint | null = null;
    let flagged = 0;
    for (;;) {
      type Step = { skipped: true } | { more: true } | { recorded: RecordedAlerts };
      const step = await this.db.transaction(async (m): Promise<Step> => {
        const now = this.clock.now();
        const [campaign]: { cutoff_at: Date }[] = await m.query(
          `SELECT cutoff_at FROM campaigns
           WHERE code = $1 AND cutoff_processed_at IS NULL AND cutoff_at <= $2
           FOR UPDATE SKIP LOCKED`,
          [code, now],
        );
        if (!campaign) return { skipped: true };
        if (next === null) {
          const [first] = await m.query(`SELECT id FROM tickets WHERE campaign_code = $1 ORDER BY id LIMIT 1`, [code]);
          const [{ max }] = await m.query(`SELECT max(id) AS max FROM tickets`);
          next = first ? BigInt(first.id) : 1n;
          last = max ? BigInt(max) : 0n;
        }
        if (next <= last!) {
          const from: bigint = next;
          next = from + BigInt(CUTOFF_ID_SPAN);
          // Open now, or closed only after the cutoff passed (in the moments before this ran).
          // The flag is the whole record: the ticket's history shows it as a CUTOFF_MISSED entry
          // at the campaign's cutoff (TicketsService), so a million flags write no million events.
          flagged += await this.store.flagCutoffMissed(m, code, from.toString(), next.toString(), campaign.cutoff_at);
          return { more: true };
        }
        const recorded = await this.summarise(m, code, campaign.cutoff_at, now);
        await m.query(`UPDATE campaigns SET cutoff_processed_at = $2 WHERE code = $1`, [code, now]);
        return { recorded };
      });
      if ('skipped' in step) return flagged ? { flagged, finished: false } : 'skipped';
      if ('recorded' in step) {
        await this.dispatcher.dispatch(step.recorded);
        return { flagged, provinces: step.recorded.events, alerts: step.recorded.alerts };
      }
    }
  }

  private async summarise(m: EntityManager, code: string, cutoffAt: Date, now: Date): Promise<RecordedAlerts> {
    const rows: CutoffUnitRow[] = await m.query(
      `SELECT province_code, unit_code, count(*)::int AS count, array_agg(tracking_code ORDER BY tracking_code) AS codes
       FROM tickets
       WHERE campaign_code = $1 AND cutoff_missed
       GROUP BY province_code, unit_code
       ORDER BY province_code, unit_code`,
      [code],
    );
    const byProvince = new Map<string, CutoffUnitRow[]>();
    for (const row of rows) byProvince.set(row.province_code, [...(byProvince.get(row.province_code) ?? []), row]);
    const events: NewAlertEvent[] = [...byProvince].map(([province, units]) => {
      const summary: CutoffSummary = {
        campaign: code,
        cutoffAt: toVnIso(cutoffAt),
        province: unitRef(this.reference, province),
        total: units.reduce((n, u) => n + u.count, 0),
        units: units.map((u) => ({
          unit: unitRef(this.reference, u.unit_code),
          count: u.count,
          trackingCodes: u.codes,
        })),
      };
      return {
        kind: AlertKind.CutoffMissed,
        dedupeKey: cutoffAlertKey(code, province),
        ticketId: null,
        deadlineAt: cutoffAt,
        unitCode: province,
        campaignCode: code,
        summary,
        occurredAt: cutoffAt,
      };
    });
    return this.writer.record(m, events, now);
  }
}
