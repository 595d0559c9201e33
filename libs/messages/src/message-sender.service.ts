import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnrecoverableError } from 'bullmq';
import { DataSource, QueryRunner } from 'typeorm';
import { Mailer } from '@phananh/alerts';
import { AppConfig, Clock, Lang, PiiCrypto } from '@phananh/core';
import type { JobOutcome } from '@phananh/queue';
import { ReferenceService } from '@phananh/reference';
import { rejectionReason } from '@phananh/tickets';
import { OptOutService } from './opt-out.service';
import { SMS_GATEWAY, SmsGateway } from './sms-gateway';
import { MessageAction, MessageFacts, composeEmail, composeSms } from './templates';

export type MessageStatus = 'PENDING' | 'SENT' | 'SKIPPED' | 'DEAD';

interface ClaimedRow {
  channel: 'SMS' | 'EMAIL';
  action: MessageAction;
  attempts: number;
  ticket_id: string;
  tracking_code: string;
  phone_enc: Buffer | null;
  email_enc: Buffer | null;
  lang: Lang;
  unit_code: string;
  event_unit_code: string | null;
  due_at: Date;
  rejection_reason_code: string | null;
  opted_out: boolean;
}

/**
 * Sends one message to a citizen: one attempt per call, counted in PostgreSQL (which decides
 * when to give up, as for webhooks), with the row locked while it is sent. The recipient is read from the ticket when sending, so an
 * erasure or an opt-out meanwhile wins (SKIPPED). Each attempt of one message carries the same
 * reference (SMS `reference` and `Idempotency-Key`, e-mail `Message-ID`): a worker killed after
 * the provider accepted and before the row says SENT sends it again under the same reference,
 * which the provider (or the mail client) recognises as the same message.
 */
@Injectable()
export class MessageSender {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SMS_GATEWAY) private readonly sms: SmsGateway,
    private readonly mailer: Mailer,
    private readonly pii: PiiCrypto,
    private readonly reference: ReferenceService,
    private readonly optOuts: OptOutService,
  ) {}

  async send(deliveryId: string): Promise<JobOutcome> {
    // The row stays locked while its message is sent: a second job for it (re-enqueued after a
    // FLUSHALL while the first runs) skips it instead of sending it twice. A worker that dies
    // mid-send drops its connection, which releases the lock (and forgets the attempt's count).
    const runner = this.db.createQueryRunner();
    await runner.connect();
    let failure: Error | null = null;
    let outcome: JobOutcome;
    try {
      await runner.startTransaction();
      const [row]: ClaimedRow[] = await runner.query(
        `SELECT d.channel, d.action, d.attempts + 1 AS attempts, d.ticket_id::text, t.tracking_code, t.phone_enc,
                t.email_enc, t.lang, t.unit_code, e.to_unit_code AS event_unit_code, t.due_at, t.rejection_reason_code,
                EXISTS (SELECT 1 FROM message_opt_outs o WHERE o.ticket_id = d.ticket_id) AS opted_out
         FROM message_deliveries d JOIN tickets t ON t.id = d.ticket_id JOIN ticket_events e ON e.id = d.event_id
         WHERE d.id = $1 AND d.status = 'PENDING'
         FOR UPDATE OF d SKIP LOCKED`,
        [deliveryId],
      );
      if (!row) {
        await runner.commitTransaction();
        return 'skipped';
      }
      ({ outcome, failure } = await this.attempt(runner, deliveryId, row));
      await runner.commitTransaction();
    } catch (err) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
    if (failure) throw failure;
    return outcome;
  }

  /** Sends and records the attempt on the locked row (inside the caller's transaction). */
  private async attempt(
    q: QueryRunner,
    deliveryId: string,
    row: ClaimedRow,
  ): Promise<{ outcome: JobOutcome; failure: Error | null }> {
    const sealed = row.channel === 'SMS' ? row.phone_enc : row.email_enc;
    const configured = row.channel === 'SMS' ? this.sms.configured : this.mailer.configured;
    if (row.opted_out || !sealed || !configured) {
      const why = row.opted_out ? 'opted out' : !sealed ? 'no recipient' : 'channel off';
      await this.record(q, deliveryId, 'SKIPPED', row.attempts - 1, why);
      return { outcome: 'skipped', failure: null };
    }
    const facts = this.facts(row);
    const to = this.pii.decrypt(sealed);
    let error: string | null = null;
    let permanent = false;
    if (row.channel === 'SMS') {
      const result = await this.sms.send({ to, text: composeSms(facts), reference: deliveryId });
      if (!result.ok) ({ error, permanent } = result);
    } else {
      try {
        await this.mailer.send({ to, messageId: `<${deliveryId}@phananh.messages>`, ...composeEmail(facts) });
      } catch (err) {
        error = (err as Error).message.slice(0, 300);
      }
    }
    if (error === null) {
      await this.record(q, deliveryId, 'SENT', row.attempts, null);
      return { outcome: { channel: row.channel, attempts: row.attempts }, failure: null };
    }
    if (permanent || row.attempts >= this.config.MESSAGE_ATTEMPTS) {
      await this.record(q, deliveryId, 'DEAD', row.attempts, error);
      return {
        outcome: 'done',
        failure: new UnrecoverableError(`message dead after ${row.attempts} attempts: ${error}`),
      };
    }
    await this.record(q, deliveryId, 'PENDING', row.attempts, error);
    return { outcome: 'done', failure: new Error(`message attempt ${row.attempts} failed: ${error}`) };
  }

  private facts(row: ClaimedRow): MessageFacts {
    const lang: Lang = row.lang === 'en' ? 'en' : 'vi';
    const unitCode = row.event_unit_code ?? row.unit_code;
    const unit = this.reference.unit(unitCode);
    const reason = row.rejection_reason_code ? rejectionReason(row.rejection_reason_code) : undefined;
    const base = this.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
    return {
      action: row.action,
      lang,
      trackingCode: row.tracking_code,
      unitName: unit ? this.reference.healthUnitName(unit, lang) : unitCode,
      dueAt: row.due_at,
      rejectionReason: reason ? reason.text[lang] : null,
      baseUrl: base,
      optOutUrl: this.optOuts.link(row.ticket_id, row.tracking_code),
    };
  }

  private async record(
    q: QueryRunner,
    id: string,
    status: MessageStatus,
    attempts: number,
    error: string | null,
  ): Promise<void> {
    const now = this.clock.now();
    await q.query(
      `UPDATE message_deliveries SET status = $2, attempts = $3, last_error = $4, last_attempt_at = $5,
              sent_at = CASE WHEN $2 = 'SENT' THEN $5::timestamptz END
       WHERE id = $1`,
      [id, status, attempts, error, now],
    );
  }
}
