import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobsOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '@phananh/core';
import { JobName, QueueService } from '@phananh/queue';
import { RecordedAlerts } from './alert-writer';

/**
 * E-mail is tried 5 times, webhooks WEBHOOK_ATTEMPTS times, both with exponential back-off from
 * DELIVERY_BACKOFF_MS: with the default 10 s, five attempts span about 2.5 minutes, enough to ride out
 * a mail server's restart, and the in-app alert stays whatever becomes of its e-mail.
 */
export const EMAIL_ATTEMPTS = 5;
/** How many pending deliveries one repair pass re-enqueues. */
const REPAIR_BATCH = 1000;

/**
 * The retry policy of every delivery (alert e-mail, webhooks, messages to citizens): `attempts`
 * tries with exponential back-off from DELIVERY_BACKOFF_MS. The handler counts each attempt in
 * PostgreSQL and, at the last, records the row DEAD/FAILED and throws UnrecoverableError.
 */
export function deliveryRetries(config: Pick<AppConfig, 'DELIVERY_BACKOFF_MS'>, attempts: number): JobsOptions {
  return { attempts, backoff: { type: 'exponential', delay: config.DELIVERY_BACKOFF_MS } };
}

export const emailJobId = (alertId: string) => `alert-email-${alertId}`;
export const webhookJobId = (deliveryId: string, round: number) => `webhook-${deliveryId}-${round}`;

/**
 * Hands recorded alerts to the channels: one e-mail job per alert, one webhook job per
 * delivery, each with a deterministic id so that enqueueing twice is harmless. Called
 * after the recording transaction commits; what Redis loses, `repair` puts back from
 * the PENDING rows in PostgreSQL.
 */
@Injectable()
export class AlertDispatcher {
  private readonly logger = new Logger(AlertDispatcher.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly queues: QueueService,
  ) {}

  private backoff(attempts: number): JobsOptions {
    return deliveryRetries(this.config, attempts);
  }

  async dispatch(recorded: Pick<RecordedAlerts, 'emailAlertIds' | 'deliveries'>): Promise<void> {
    try {
      await this.queues.enqueueMany(
        JobName.AlertEmail,
        recorded.emailAlertIds.map((alertId) => ({
          data: { alertId },
          options: { jobId: emailJobId(alertId), ...this.backoff(EMAIL_ATTEMPTS) },
        })),
      );
      await this.queues.enqueueMany(
        JobName.WebhookDeliver,
        recorded.deliveries.map(({ id, round }) => ({
          data: { deliveryId: id, round },
          options: { jobId: webhookJobId(id, round), ...this.backoff(this.config.WEBHOOK_ATTEMPTS) },
        })),
      );
    } catch (err) {
      // The rows are committed as PENDING; the next repair pass enqueues them.
      this.logger.warn({ err: (err as Error).message }, 'could not enqueue deliveries; repair will retry');
    }
  }

  /** Re-enqueues what is still PENDING in PostgreSQL; jobs that still exist in Redis are left as they are. */
  async repair(): Promise<{ emails: number; deliveries: number }> {
    const emails: { id: string }[] = await this.db.query(
      `SELECT id FROM alerts WHERE email_status = 'PENDING' ORDER BY created_at LIMIT $1`,
      [REPAIR_BATCH],
    );
    const deliveries: { id: string; round: number }[] = await this.db.query(
      `SELECT id, round FROM webhook_deliveries WHERE status = 'PENDING' ORDER BY created_at, id LIMIT $1`,
      [REPAIR_BATCH],
    );
    await this.dispatch({ emailAlertIds: emails.map((e) => e.id), deliveries });
    return { emails: emails.length, deliveries: deliveries.length };
  }
}
