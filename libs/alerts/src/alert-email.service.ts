import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig, Clock, VN_OFFSET_MS } from '@phananh/core';
import type { JobOutcome } from '@phananh/queue';
import { ReferenceService } from '@phananh/reference';
import { AlertKind } from './alert-kind';
import { EMAIL_ATTEMPTS } from './alert-dispatcher.service';
import { EVENT_COLUMNS, EventRow, unitRef } from './alert-views';
import { Mailer } from './mailer';

interface EmailRow extends EventRow {
  alert_id: string;
  email_attempts: number;
  email: string | null;
  full_name: string;
  disabled_at: Date | null;
}

/** A cutoff summary as the cutoff processor writes it. */
interface CutoffSummary {
  total: number;
  cutoffAt: string;
  units: { unit: { code: string; name: string }; count: number; trackingCodes: string[] }[];
}

/** A cutoff e-mail lists this many codes per unit; the in-app alert and the webhook carry them all. */
const EMAIL_CODES_PER_UNIT = 100;

const STATUS_VI: Record<string, string> = {
  ASSIGNED: 'chờ xử lý',
  IN_PROGRESS: 'đang xử lý',
  DEFERRED: 'xử lý sau',
  RESOLVED: 'đã xử lý',
  REJECTED: 'đã từ chối',
};

/** `13/11/2021 00:00` in Viet Nam time, as a reader expects it. */
export function vnDateTime(instant: Date): string {
  const local = new Date(instant.getTime() + VN_OFFSET_MS).toISOString();
  return `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 16)}`;
}

/**
 * The e-mail channel. The message names the ticket by its tracking code, its unit and its
 * deadline — never the citizen's identity number or phone, which it does not even read.
 */
@Injectable()
export class AlertEmailService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    private readonly reference: ReferenceService,
    private readonly mailer: Mailer,
  ) {}

  /** Sends one alert's e-mail. Each call counts as an attempt in PostgreSQL, which decides when to give up. */
  async send(alertId: string): Promise<JobOutcome> {
    const [row]: EmailRow[] = await this.db.query(
      `WITH claimed AS (
         UPDATE alerts SET email_attempts = email_attempts + 1
         WHERE id = $1 AND email_status = 'PENDING'
         RETURNING id, event_id, recipient_id, email_attempts
       )
       SELECT c.id AS alert_id, c.email_attempts, u.email, u.full_name, u.disabled_at, ${EVENT_COLUMNS}
       FROM claimed c
       JOIN users u ON u.id = c.recipient_id
       JOIN alert_events e ON e.id = c.event_id
       LEFT JOIN tickets t ON t.id = e.ticket_id`,
      [alertId],
    );
    if (!row) return 'skipped';
    const ticketClosed = row.ticket_status === 'RESOLVED' || row.ticket_status === 'REJECTED';
    if (!this.config.SMTP_URL || !row.email || row.disabled_at || ticketClosed) {
      await this.finish(alertId, 'SKIPPED', null);
      return 'skipped';
    }
    try {
      await this.mailer.send({
        to: { name: row.full_name, address: row.email },
        ...composeEmail(this.reference, row),
      });
    } catch (err) {
      const message = (err as Error).message.slice(0, 300);
      if (row.email_attempts >= EMAIL_ATTEMPTS) {
        await this.finish(alertId, 'FAILED', message);
        throw new UnrecoverableError(message);
      }
      await this.db.query(`UPDATE alerts SET email_error = $2 WHERE id = $1`, [alertId, message]);
      throw err;
    }
    await this.finish(alertId, 'SENT', null);
    return 'done';
  }

  private async finish(alertId: string, status: 'SENT' | 'SKIPPED' | 'FAILED', error: string | null): Promise<void> {
    await this.db.query(
      `UPDATE alerts SET email_status = $2, email_error = $3,
              email_sent_at = CASE WHEN $2 = 'SENT' THEN $4::timestamptz END
       WHERE id = $1`,
      [alertId, status, error, this.clock.now()],
    );
  }
}

/** Subject and body of an alert e-mail, in Vietnamese. */
export function composeEmail(reference: ReferenceService, row: EventRow): { subject: string; text: string } {
  const unit = unitRef(reference, row.unit_code).name;
  const footer =
    '\n\n—\nHệ thống tiếp nhận phản ánh dữ liệu tiêm chủng COVID-19. Thư gửi tự động, vui lòng không trả lời.';
  if (row.kind === AlertKind.CutoffMissed) {
    const summary = row.summary as CutoffSummary;
    const lines = summary.units.map((u) => {
      const shown = u.trackingCodes.slice(0, EMAIL_CODES_PER_UNIT).join(', ');
      const more = u.count > EMAIL_CODES_PER_UNIT ? ` và ${u.count - EMAIL_CODES_PER_UNIT} phản ánh khác` : '';
      return `- ${u.unit.name} (${u.unit.code}): ${u.count} phản ánh — ${shown}${more}`;
    });
    return {
      subject: `[Phản ánh tiêm chủng] Hết hạn chót chiến dịch ${row.campaign_code}: ${summary.total} phản ánh chưa xử lý — ${unit}`,
      text:
        `Hạn chót của chiến dịch ${row.campaign_code} (${vnDateTime(new Date(summary.cutoffAt))}, giờ Việt Nam) đã qua.\n` +
        `${unit} còn ${summary.total} phản ánh chưa xử lý xong:\n\n${lines.join('\n')}\n\n` +
        'Danh sách đầy đủ có trong mục cảnh báo của hệ thống.' +
        footer,
    };
  }
  const code = row.tracking_code!;
  const deadline = vnDateTime(row.deadline_at!);
  const status = STATUS_VI[row.ticket_status ?? ''] ?? row.ticket_status;
  const [subject, lead] = {
    [AlertKind.DueSoon]: [
      `Sắp đến hạn xử lý phản ánh ${code}`,
      `Phản ánh ${code} giao cho ${unit} sẽ đến hạn xử lý lúc ${deadline} (giờ Việt Nam).`,
    ],
    [AlertKind.Overdue]: [
      `Quá hạn xử lý phản ánh ${code}`,
      `Phản ánh ${code} giao cho ${unit} đã quá hạn xử lý từ ${deadline} (giờ Việt Nam).`,
    ],
    [AlertKind.Escalated]: [
      `Phản ánh ${code} quá hạn kéo dài, báo cáo lên cấp tỉnh`,
      `Phản ánh ${code} giao cho ${unit} vẫn chưa được xử lý dù đã quá hạn từ ${deadline} (giờ Việt Nam).`,
    ],
  }[row.kind];
  return {
    subject: `[Phản ánh tiêm chủng] ${subject}`,
    text: `${lead}\nTrạng thái hiện tại: ${status}.\nĐề nghị đơn vị khẩn trương xử lý.${footer}`,
  };
}
