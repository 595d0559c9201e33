import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Transporter, createTransport } from 'nodemailer';
import { DataSource } from 'typeorm';
import { AppConfig, Clock, HOUR_MS, VN_OFFSET_MS, vnDate } from '@phananh/core';
import { subtreeScope, scopeSql } from '@phananh/identity';
import type { JobOutcome } from '@phananh/queue';
import { ReferenceService, Unit } from '@phananh/reference';
import { OPEN_STATUS_SQL } from '@phananh/ticket-store';
import { SlaSummaryService } from './sla-summary.service';

/** The local (Viet Nam) hour from which the day's digest goes out. */
export const DIGEST_HOUR = 7;
/** Attempts per supervisor and day before the digest is given up (the error is kept on its row). */
export const DIGEST_ATTEMPTS = 5;

/**
 * Real milliseconds between two runs of the digest job: a minute, shortened on an accelerated
 * clock so that it runs at least every 15 simulated minutes (never more often than every 100 ms).
 */
export function digestIntervalMs(speed: number): number {
  return Math.max(100, Math.min(60_000, Math.floor((15 * 60_000) / speed)));
}

export interface DigestContent {
  unit: { code: string; name: string; level: string };
  open: number;
  dueToday: number;
  overdue: number;
  atRisk: { code: string; name: string; open: number }[];
}

interface Claimed {
  user_id: string;
  full_name: string;
  email: string;
  unit_code: string;
}

/**
 * The morning digest: from 07:00 on the service clock, each active supervisor with an e-mail
 * address gets one message with the open tickets of the own area, those due today, those
 * overdue, and the units below at risk of missing the cutoff. Once per supervisor and local
 * day whatever the number of workers: a row (user_id, day) is inserted once (its primary key),
 * and sending it is claimed with FOR UPDATE SKIP LOCKED and a lease; sent_at closes it.
 */
@Injectable()
export class MorningDigestService implements OnApplicationShutdown {
  private readonly logger = new Logger(MorningDigestService.name);
  private transport: Transporter | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly reference: ReferenceService,
    private readonly summaries: SlaSummaryService,
  ) {}

  onApplicationShutdown(): void {
    this.transport?.close();
  }

  /** One run of the job: nothing before 07:00 or without SMTP; else every digest of the day not sent yet. */
  async run(): Promise<JobOutcome> {
    const now = this.clock.now();
    const localHour = new Date(now.getTime() + VN_OFFSET_MS).getUTCHours();
    if (!this.config.SMTP_URL || localHour < DIGEST_HOUR) return 'skipped';
    const day = vnDate(now);
    await this.db.query(
      `INSERT INTO supervisor_digests (user_id, day, created_at)
       SELECT u.id, $1::date, $2 FROM users u
       WHERE u.role = 'SUPERVISOR' AND u.disabled_at IS NULL AND u.email IS NOT NULL AND u.unit_code IS NOT NULL
       ON CONFLICT (user_id, day) DO NOTHING`,
      [day, now],
    );
    const contents = new Map<string, Promise<DigestContent>>();
    let sent = 0;
    let failed = 0;
    for (;;) {
      const claimed = await this.claim(day);
      if (!claimed) break;
      try {
        let content = contents.get(claimed.unit_code);
        if (!content) {
          content = this.content(claimed.unit_code, day);
          contents.set(claimed.unit_code, content);
        }
        await this.transporter().sendMail({
          to: { name: claimed.full_name, address: claimed.email },
          ...composeDigest(day, await content),
        });
        await this.db.query(
          `UPDATE supervisor_digests SET sent_at = $3, claimed_until = NULL, error = NULL WHERE user_id = $1 AND day = $2`,
          [claimed.user_id, day, this.clock.now()],
        );
        sent++;
      } catch (err) {
        failed++;
        const message = (err as Error).message.slice(0, 300);
        this.logger.warn({ err: message }, 'morning digest not sent; the next run tries again');
        await this.db.query(
          `UPDATE supervisor_digests SET error = $3, claimed_until = NULL WHERE user_id = $1 AND day = $2`,
          [claimed.user_id, day, message],
        );
      }
    }
    return sent || failed ? { sent, failed } : 'skipped';
  }

  /**
   * One unsent digest of the day, claimed for a lease of JOB_LOCK_MS of real time (on the
   * service clock, JOB_LOCK_MS × speed): a worker that dies mid-send leaves it to the next run.
   */
  private async claim(day: string): Promise<Claimed | null> {
    const now = this.clock.now();
    const until = new Date(now.getTime() + this.config.JOB_LOCK_MS * this.clock.speed);
    const [row]: Claimed[] = await this.db.query(
      `WITH next AS (
         SELECT d.user_id FROM supervisor_digests d
         WHERE d.day = $1 AND d.sent_at IS NULL AND d.attempts < $4
           AND (d.claimed_until IS NULL OR d.claimed_until < $2)
         ORDER BY d.user_id
         LIMIT 1
         FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE supervisor_digests d SET attempts = d.attempts + 1, claimed_until = $3
         FROM next WHERE d.user_id = next.user_id AND d.day = $1
         RETURNING d.user_id
       )
       SELECT c.user_id, u.full_name, u.email, u.unit_code
       FROM claimed c JOIN users u ON u.id = c.user_id`,
      [day, now, until, DIGEST_ATTEMPTS],
    );
    if (row && !(row.email && row.unit_code)) return this.claim(day);
    return row ?? null;
  }

  /** What a supervisor of `unitCode` reads: the figures of the whole area below the unit. */
  async content(unitCode: string, day: string): Promise<DigestContent> {
    const unit = this.reference.unit(unitCode) as Unit;
    const summary = await this.summaries.summary({ kind: 'subtree', unit });
    const from = new Date(`${day}T00:00:00+07:00`);
    const params: unknown[] = [from, new Date(from.getTime() + 24 * HOUR_MS)];
    const scope = scopeSql(subtreeScope(unit), 't', params);
    // The open tickets of the scope due in the local day: a range of ix_tickets_open_{unit,district,province}_due.
    const [{ n }] = await this.db.query(
      `SELECT count(*)::int AS n FROM tickets t
       WHERE ${scope} AND t.status IN ${OPEN_STATUS_SQL} AND t.due_at >= $1 AND t.due_at < $2`,
      params,
    );
    return {
      unit: this.reference.unitRef(unit.code),
      open: summary.total.open,
      dueToday: n,
      overdue: summary.total.overdue,
      atRisk: summary.rows
        .filter((r) => r.atRisk && r.unit.code !== unit.code)
        .map((r) => ({ code: r.unit.code, name: r.unit.name, open: r.open })),
    };
  }

  private transporter(): Transporter {
    this.transport ??= createTransport(this.config.SMTP_URL!, { from: this.config.SMTP_FROM });
    return this.transport;
  }
}

/** The digest's subject and text: Vietnamese first, then the same in English. No ticket, no citizen. */
export function composeDigest(day: string, c: DigestContent): { subject: string; text: string } {
  const date = `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
  const riskVi = c.atRisk.length
    ? c.atRisk.map((u) => `- ${u.name} (${u.code}): ${u.open} đang mở`).join('\n')
    : '- Không có đơn vị nào.';
  const riskEn = c.atRisk.length
    ? c.atRisk.map((u) => `- ${u.name} (${u.code}): ${u.open} open`).join('\n')
    : '- None.';
  return {
    subject: `[Phản ánh tiêm chủng] Tình hình sáng ${date} — ${c.unit.name} / Morning digest`,
    text:
      `Tình hình xử lý phản ánh của ${c.unit.name} và các đơn vị trực thuộc, sáng ${date}:\n\n` +
      `Đang mở: ${c.open}\nĐến hạn hôm nay: ${c.dueToday}\nQuá hạn: ${c.overdue}\n\n` +
      `Đơn vị có nguy cơ không kịp hạn chót:\n${riskVi}\n\n` +
      `— English —\n` +
      `Reports of ${c.unit.name} and the units below it, morning of ${day}:\n\n` +
      `Open: ${c.open}\nDue today: ${c.dueToday}\nOverdue: ${c.overdue}\n\n` +
      `Units at risk of missing the cutoff:\n${riskEn}\n\n` +
      '—\nHệ thống tiếp nhận phản ánh dữ liệu tiêm chủng COVID-19. Thư gửi tự động, vui lòng không trả lời.\n' +
      'COVID-19 vaccination record reports. Automatic message, please do not reply.',
  };
}
