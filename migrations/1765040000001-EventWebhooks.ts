import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lifecycle webhooks (issue 15): other systems subscribe to ticket events (filed, assigned, …),
 * sent as CloudEvents 1.0 by the ticket-event relay's `event-webhooks` sink. One delivery per
 * (subscription, ticket event), written in the relay's transaction; statuses as alert webhook
 * deliveries (PENDING → DELIVERED | DEAD). `include_personal_data` is set only by an admin's
 * audited flag change.
 */
export class EventWebhooks1765040000001 implements MigrationInterface {
  name = 'EventWebhooks1765040000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_webhooks (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        url text NOT NULL,
        secret_enc bytea NOT NULL,
        events text[] NOT NULL,
        include_personal_data boolean NOT NULL DEFAULT false,
        created_by uuid,
        created_at timestamptz NOT NULL,
        disabled_at timestamptz,
        CONSTRAINT pk_event_webhooks PRIMARY KEY (id),
        CONSTRAINT fk_event_webhooks_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
        CONSTRAINT ck_event_webhooks_events CHECK (
          cardinality(events) > 0 AND events <@ ARRAY['FILED', 'ASSIGNED', 'TRANSFERRED', 'DEFERRED', 'RESOLVED',
            'REJECTED', 'REOPENED', 'WITHDRAWN', 'MERGED']::text[])
      )`);
    await q.query(`
      CREATE TABLE event_webhook_deliveries (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL,
        event_id bigint NOT NULL,
        status text NOT NULL DEFAULT 'PENDING',
        round integer NOT NULL DEFAULT 0,
        attempts integer NOT NULL DEFAULT 0,
        last_status integer,
        last_error text,
        created_at timestamptz NOT NULL,
        last_attempt_at timestamptz,
        delivered_at timestamptz,
        CONSTRAINT pk_event_webhook_deliveries PRIMARY KEY (id),
        CONSTRAINT ux_event_webhook_deliveries_webhook_event UNIQUE (webhook_id, event_id),
        CONSTRAINT fk_event_webhook_deliveries_webhook FOREIGN KEY (webhook_id) REFERENCES event_webhooks (id) ON DELETE CASCADE,
        CONSTRAINT fk_event_webhook_deliveries_event FOREIGN KEY (event_id) REFERENCES ticket_events (id) ON DELETE CASCADE,
        CONSTRAINT ck_event_webhook_deliveries_status CHECK (status IN ('PENDING', 'DELIVERED', 'DEAD'))
      )`);
    await q.query(
      `CREATE INDEX ix_event_webhook_deliveries_status ON event_webhook_deliveries (status, created_at, id)`,
    );
    await q.query(`CREATE INDEX ix_event_webhook_deliveries_event ON event_webhook_deliveries (event_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_webhook_deliveries`);
    await q.query(`DROP TABLE event_webhooks`);
  }
}
