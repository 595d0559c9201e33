import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Mailer, deliveryRetries } from '@phananh/alerts';
import { AppConfig, Clock } from '@phananh/core';
import { JobName, QueueService } from '@phananh/queue';
import { AfterCommit, RelayedTicketEvent, TicketEventSink, TicketEventSinkProvider } from '@phananh/ticket-store';
import { ResendCodeService } from './resend-code.service';
import { SMS_GATEWAY, SmsGateway } from './sms-gateway';
import { MESSAGE_ACTIONS } from './templates';

/** How many pending messages one redelivery pass re-enqueues. */
const REDELIVER_BATCH = 1000;
export const messageJobId = (deliveryId: string) => `msg-${deliveryId}`;

/**
 * The relay's sink for messages to citizens: for each event a citizen hears about
 * (MESSAGE_ACTIONS), one delivery row per channel the report has — SMS when it has a phone and
 * a gateway is configured, e-mail when it has an address and SMTP_URL is set — unless the
 * citizen opted out of this report's messages. Rows are unique on (event, channel): an event
 * relayed again adds nothing. After the commit one `citizen-message` job per row.
 */
@Injectable()
@TicketEventSinkProvider()
export class CitizenMessageSink implements TicketEventSink {
  readonly name = 'citizen-messages';

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly resendCodes: ResendCodeService,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SMS_GATEWAY) private readonly sms: SmsGateway,
    private readonly mailer: Mailer,
    private readonly queues: QueueService,
  ) {}

  async accept(events: readonly RelayedTicketEvent[], m: EntityManager): Promise<AfterCommit | void> {
    const wanted = events.filter((e) => (MESSAGE_ACTIONS as readonly string[]).includes(e.action));
    if (!wanted.length || (!this.sms.configured && !this.mailer.configured)) return;
    const rows: { id: string }[] = await m.query(
      `INSERT INTO message_deliveries (event_id, ticket_id, channel, action, created_at)
       SELECT e.id, e.ticket_id, c.channel, e.action, $4
       FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS e (id, ticket_id, action)
       JOIN tickets t ON t.id = e.ticket_id
       CROSS JOIN (VALUES ('SMS'), ('EMAIL')) AS c (channel)
       WHERE ((c.channel = 'SMS' AND $5 AND t.phone_enc IS NOT NULL)
              OR (c.channel = 'EMAIL' AND $6 AND t.email_enc IS NOT NULL))
         AND NOT EXISTS (SELECT 1 FROM message_opt_outs o WHERE o.ticket_id = e.ticket_id)
       ORDER BY e.id, c.channel
       ON CONFLICT (event_id, channel) DO NOTHING
       RETURNING id`,
      [
        wanted.map((e) => e.id),
        wanted.map((e) => e.ticketId),
        wanted.map((e) => e.action),
        this.clock.now(),
        this.sms.configured,
        this.mailer.configured,
      ],
    );
    if (!rows.length) return;
    return () => this.enqueue(rows.map((r) => r.id));
  }

  /** One job per delivery, deterministic ids: enqueueing twice is harmless. */
  async enqueue(deliveryIds: readonly string[]): Promise<void> {
    await this.queues.enqueueMany(
      JobName.CitizenMessage,
      deliveryIds.map((deliveryId) => ({
        data: { deliveryId },
        options: { jobId: messageJobId(deliveryId), ...deliveryRetries(this.config, this.config.MESSAGE_ATTEMPTS) },
      })),
    );
  }

  /** Re-enqueues the messages still PENDING (ix_message_deliveries_pending): what Redis lost is sent anyway. */
  async redeliver(): Promise<number> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM message_deliveries WHERE status = 'PENDING' ORDER BY created_at LIMIT $1`,
      [REDELIVER_BATCH],
    );
    await this.enqueue(rows.map((r) => r.id));
    return rows.length + (await this.resendCodes.redeliver());
  }
}
