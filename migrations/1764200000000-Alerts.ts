import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts of the SLA ladder and the campaign cutoff, and their deliveries. Exactly-once lives
 * here, not in Redis: one event per (kind, ticket, deadline) or (campaign, province) by
 * dedupe_key, one alert per (event, recipient), one webhook delivery per (webhook, event).
 * Kinds and statuses are persisted strings: never rename.
 */
export class Alerts1764200000000 implements MigrationInterface {
  name = 'Alerts1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alert_events (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        dedupe_key text NOT NULL,
        kind text NOT NULL,
        ticket_id bigint,
        deadline_at timestamptz,
        unit_code varchar(5) NOT NULL,
        campaign_code text,
        summary jsonb,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT pk_alert_events PRIMARY KEY (id),
        CONSTRAINT ux_alert_events_dedupe_key UNIQUE (dedupe_key),
        CONSTRAINT fk_alert_events_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE CASCADE,
        CONSTRAINT fk_alert_events_unit FOREIGN KEY (unit_code) REFERENCES units (code),
        CONSTRAINT fk_alert_events_campaign FOREIGN KEY (campaign_code) REFERENCES campaigns (code),
        CONSTRAINT ck_alert_events_kind CHECK (kind IN ('DUE_SOON', 'OVERDUE', 'ESCALATED', 'CUTOFF_MISSED')),
        CONSTRAINT ck_alert_events_ticket CHECK ((kind = 'CUTOFF_MISSED') = (ticket_id IS NULL))
      )`);
    await q.query(`CREATE INDEX ix_alert_events_ticket ON alert_events (ticket_id) WHERE ticket_id IS NOT NULL`);

    // email_status: NULL when no e-mail is due (no SMTP_URL or no address), else PENDING → SENT | SKIPPED (ticket closed meanwhile) | FAILED.
    await q.query(`
      CREATE TABLE alerts (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL,
        recipient_id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        email_status text,
        email_attempts smallint NOT NULL DEFAULT 0,
        email_sent_at timestamptz,
        email_error text,
        CONSTRAINT pk_alerts PRIMARY KEY (id),
        CONSTRAINT ux_alerts_event_recipient UNIQUE (event_id, recipient_id),
        CONSTRAINT fk_alerts_event FOREIGN KEY (event_id) REFERENCES alert_events (id) ON DELETE CASCADE,
        CONSTRAINT fk_alerts_recipient FOREIGN KEY (recipient_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT ck_alerts_email_status CHECK (email_status IN ('PENDING', 'SENT', 'SKIPPED', 'FAILED'))
      )`);
    await q.query(`CREATE INDEX ix_alerts_recipient_created ON alerts (recipient_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE INDEX ix_alerts_recipient_unacknowledged ON alerts (recipient_id, created_at DESC, id DESC)
      WHERE acknowledged_at IS NULL`);
    await q.query(`CREATE INDEX ix_alerts_email_pending ON alerts (created_at) WHERE email_status = 'PENDING'`);

    await q.query(`
      CREATE TABLE webhooks (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        url text NOT NULL,
        secret_enc bytea NOT NULL,
        events text[] NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL,
        disabled_at timestamptz,
        CONSTRAINT pk_webhooks PRIMARY KEY (id),
        CONSTRAINT fk_webhooks_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
        CONSTRAINT ck_webhooks_events CHECK (
          cardinality(events) > 0 AND events <@ ARRAY['DUE_SOON', 'OVERDUE', 'ESCALATED', 'CUTOFF_MISSED']::text[])
      )`);

    // round: bumped by an admin's retry of a dead delivery, so the retry gets a fresh job id.
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL,
        event_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'PENDING',
        round integer NOT NULL DEFAULT 0,
        attempts integer NOT NULL DEFAULT 0,
        last_status integer,
        last_error text,
        created_at timestamptz NOT NULL,
        last_attempt_at timestamptz,
        delivered_at timestamptz,
        CONSTRAINT pk_webhook_deliveries PRIMARY KEY (id),
        CONSTRAINT ux_webhook_deliveries_webhook_event UNIQUE (webhook_id, event_id),
        CONSTRAINT fk_webhook_deliveries_webhook FOREIGN KEY (webhook_id) REFERENCES webhooks (id) ON DELETE CASCADE,
        CONSTRAINT fk_webhook_deliveries_event FOREIGN KEY (event_id) REFERENCES alert_events (id) ON DELETE CASCADE,
        CONSTRAINT ck_webhook_deliveries_status CHECK (status IN ('PENDING', 'DELIVERED', 'DEAD'))
      )`);
    await q.query(`CREATE INDEX ix_webhook_deliveries_status ON webhook_deliveries (status, created_at, id)`);

    // The SLA figures' handling pace: closures of the last hours, read from the history.
    await q.query(`
      CREATE INDEX ix_ticket_events_closures ON ticket_events (at, ticket_id)
      WHERE action IN ('RESOLVED', 'REJECTED')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_ticket_events_closures`);
    for (const table of ['webhook_deliveries', 'webhooks', 'alerts', 'alert_events']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
