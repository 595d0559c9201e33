import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages to citizens (issue 15):
 * - `tickets.email_enc` (PiiCrypto, optional, erased with the rest) and `tickets.lang`, the
 *   language of the filing (Accept-Language), in which its messages are written;
 * - `message_deliveries`: one row per (ticket event, channel), written by the relay's message
 *   sink in the relay's transaction, unique so that an event gives each message once; the
 *   recipient is not copied (read from the ticket when sending, so an erasure wins);
 *   `ix_message_deliveries_pending` serves the redelivery sweep;
 * - `message_opt_outs`: a report whose citizen asked for no more messages;
 * - `resend_code_requests`: a lost-code request waiting for the worker, by blind indexes only.
 */
export class CitizenMessages1765030100000 implements MigrationInterface {
  name = 'CitizenMessages1765030100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tickets
        ADD COLUMN email_enc bytea,
        ADD COLUMN lang text NOT NULL DEFAULT 'vi',
        ADD CONSTRAINT ck_tickets_lang CHECK (lang IN ('vi', 'en'))`);
    await q.query(`
      CREATE TABLE message_deliveries (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        event_id bigint NOT NULL,
        ticket_id bigint NOT NULL,
        channel text NOT NULL,
        action text NOT NULL,
        status text NOT NULL DEFAULT 'PENDING',
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL,
        last_attempt_at timestamptz,
        sent_at timestamptz,
        CONSTRAINT pk_message_deliveries PRIMARY KEY (id),
        CONSTRAINT fk_message_deliveries_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE CASCADE,
        CONSTRAINT ck_message_deliveries_channel CHECK (channel IN ('SMS', 'EMAIL')),
        CONSTRAINT ck_message_deliveries_status CHECK (status IN ('PENDING', 'SENT', 'SKIPPED', 'DEAD'))
      )`);
    await q.query(`CREATE UNIQUE INDEX ux_message_deliveries_event_channel ON message_deliveries (event_id, channel)`);
    await q.query(
      `CREATE INDEX ix_message_deliveries_pending ON message_deliveries (created_at) WHERE status = 'PENDING'`,
    );
    await q.query(`CREATE INDEX ix_message_deliveries_ticket ON message_deliveries (ticket_id)`);
    await q.query(`
      CREATE TABLE message_opt_outs (
        ticket_id bigint NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT pk_message_opt_outs PRIMARY KEY (ticket_id),
        CONSTRAINT fk_message_opt_outs_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE resend_code_requests (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        citizen_id_hash bytea NOT NULL,
        phone_hash bytea NOT NULL,
        lang text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        CONSTRAINT pk_resend_code_requests PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX ix_resend_code_requests_created ON resend_code_requests (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE resend_code_requests`);
    await q.query(`DROP TABLE message_opt_outs`);
    await q.query(`DROP TABLE message_deliveries`);
    await q.query(`ALTER TABLE tickets DROP CONSTRAINT ck_tickets_lang, DROP COLUMN lang, DROP COLUMN email_enc`);
  }
}
