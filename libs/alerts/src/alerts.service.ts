import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, Clock, CommonErrors, KeysetCursor, UUID } from '@phananh/core';
import { ReferenceService } from '@phananh/reference';
import { AlertRow, AlertView, EVENT_COLUMNS, alertView } from './alert-views';

export interface AlertPage {
  items: AlertView[];
  nextCursor: string | null;
}

/** The last (created_at, id) seen, newest first. */
const ALERT_CURSOR = new KeysetCursor(['instant', 'uuid']);

/** The in-app channel: an official's own alerts, newest first, and acknowledging them. */
@Injectable()
export class AlertsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly reference: ReferenceService,
  ) {}

  async list(
    recipientId: string,
    options: { unacknowledged?: boolean; limit: number; cursor?: string },
  ): Promise<AlertPage> {
    const params: unknown[] = [recipientId, options.limit + 1];
    const where = ['a.recipient_id = $1'];
    if (options.unacknowledged) where.push('a.acknowledged_at IS NULL');
    if (options.cursor) {
      params.push(...ALERT_CURSOR.decode(options.cursor));
      where.push(`(a.created_at, a.id) < ($3::timestamptz, $4::uuid)`);
    }
    const rows: AlertRow[] = await this.db.query(
      `SELECT a.id, a.created_at, a.acknowledged_at, ${EVENT_COLUMNS}
       FROM alerts a
       JOIN alert_events e ON e.id = a.event_id
       LEFT JOIN tickets t ON t.id = e.ticket_id
       WHERE ${where.join(' AND ')}
       ORDER BY a.created_at DESC, a.id DESC
       LIMIT $2`,
      params,
    );
    const more = rows.length > options.limit;
    const page = more ? rows.slice(0, options.limit) : rows;
    return {
      items: page.map((r) => alertView(this.reference, r)),
      nextCursor: more ? ALERT_CURSOR.encode([page[page.length - 1].created_at, page[page.length - 1].id]) : null,
    };
  }

  /** Marks the caller's alert read (the first acknowledgement counts); someone else's is 404, like a missing one. */
  async acknowledge(recipientId: string, alertId: string): Promise<AlertView> {
    if (!UUID.test(alertId)) throw new AppError(CommonErrors.NOT_FOUND);
    const [row]: AlertRow[] = await this.db.query(
      `WITH acked AS (
         UPDATE alerts SET acknowledged_at = coalesce(acknowledged_at, $3)
         WHERE id = $1 AND recipient_id = $2
         RETURNING id, event_id, created_at, acknowledged_at
       )
       SELECT a.id, a.created_at, a.acknowledged_at, ${EVENT_COLUMNS}
       FROM acked a
       JOIN alert_events e ON e.id = a.event_id
       LEFT JOIN tickets t ON t.id = e.ticket_id`,
      [alertId, recipientId, this.clock.now()],
    );
    if (!row) throw new AppError(CommonErrors.NOT_FOUND);
    return alertView(this.reference, row);
  }
}
