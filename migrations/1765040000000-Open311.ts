import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Open311 GeoReport v2 (issue 15):
 * - `open311_api_keys`: the keys admins issue to partner systems (the 1022 hotline, apps) to
 *   file requests; only a SHA-256 of each key is kept (the key is shown once), with the key's
 *   own rate limit and its revocation;
 * - `open311_tokens`: the token a POST answers with, which GET tokens/{token} resolves to the
 *   request's id; it also records which key filed which report;
 * - `ix_tickets_received`: GET requests lists reports by date received, newest first.
 */
export class Open3111765040000000 implements MigrationInterface {
  name = 'Open3111765040000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE open311_api_keys (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        key_hash bytea NOT NULL,
        key_prefix text NOT NULL,
        requests_per_minute integer NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL,
        revoked_by uuid,
        revoked_at timestamptz,
        CONSTRAINT pk_open311_api_keys PRIMARY KEY (id),
        CONSTRAINT ux_open311_api_keys_hash UNIQUE (key_hash),
        CONSTRAINT fk_open311_api_keys_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
        CONSTRAINT fk_open311_api_keys_revoked_by FOREIGN KEY (revoked_by) REFERENCES users (id) ON DELETE SET NULL,
        CONSTRAINT ck_open311_api_keys_rate CHECK (requests_per_minute BETWEEN 1 AND 100000)
      )`);
    await q.query(`CREATE INDEX ix_open311_api_keys_created ON open311_api_keys (created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE open311_tokens (
        token text NOT NULL,
        ticket_id bigint NOT NULL,
        api_key_id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT pk_open311_tokens PRIMARY KEY (token),
        CONSTRAINT fk_open311_tokens_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE CASCADE,
        CONSTRAINT fk_open311_tokens_api_key FOREIGN KEY (api_key_id) REFERENCES open311_api_keys (id)
      )`);
    await q.query(`CREATE INDEX ix_open311_tokens_ticket ON open311_tokens (ticket_id)`);
    await q.query(`CREATE INDEX ix_open311_tokens_api_key ON open311_tokens (api_key_id)`);
    await q.query(`CREATE INDEX ix_tickets_received ON tickets (received_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_tickets_received`);
    await q.query(`DROP TABLE open311_tokens`);
    await q.query(`DROP TABLE open311_api_keys`);
  }
}
