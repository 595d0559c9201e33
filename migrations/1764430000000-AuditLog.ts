import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who saw what, and who changed what: an append-only log of officials' access to personal
 * data (a full identity number, a proof file, an export, a queue page) and, later, of account
 * administration. The actor is copied (id, username, role, unit) so that a row keeps its
 * meaning whatever becomes of the account; `ticket_codes` names the tickets, `subject_*` an
 * account acted on; `query` holds the filters of a page or an export (never personal data),
 * `details` what changed. Actions are persisted strings: never rename.
 *
 * Append-only in the database: triggers refuse every UPDATE, DELETE and TRUNCATE, whoever
 * runs them (superusers included, under any session_replication_role; only DDL that drops or
 * disables a trigger, which takes the table's owner, gets past them).
 * No REVOKE here: the service's role runs the migrations, so it owns the table and a REVOKE
 * would bind it only until it granted itself the right back, while a dump would carry the
 * owner's role name into every restore. A deployment that runs the service under a role
 * that does not own the table grants it only SELECT and INSERT on audit_log.
 *
 * Indexes: newest first overall (at DESC, id DESC, also for from/to), by actor, by action,
 * and a GIN index on the tracking codes (rows that name a ticket). The table is written on the
 * queue's hot path (a row per page), so there are no more than these.
 */
export class AuditLog1764430000000 implements MigrationInterface {
  name = 'AuditLog1764430000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY,
        at timestamptz NOT NULL,
        actor_user_id uuid,
        actor_username text,
        actor_role text,
        actor_unit_code varchar(5),
        action text NOT NULL,
        ticket_codes text[] NOT NULL DEFAULT '{}',
        subject_user_id uuid,
        subject_username text,
        query jsonb,
        details jsonb,
        client_address inet,
        CONSTRAINT pk_audit_log PRIMARY KEY (id),
        CONSTRAINT ck_audit_log_action CHECK (action ~ '^[A-Z][A-Z0-9_]{1,63}$'),
        CONSTRAINT ck_audit_log_actor CHECK (
          (actor_user_id IS NULL AND actor_username IS NULL AND actor_role IS NULL AND actor_unit_code IS NULL)
          OR (actor_user_id IS NOT NULL AND actor_username IS NOT NULL AND actor_role IS NOT NULL)),
        CONSTRAINT ck_audit_log_subject CHECK ((subject_user_id IS NULL) = (subject_username IS NULL)),
        CONSTRAINT ck_audit_log_query CHECK (query IS NULL OR jsonb_typeof(query) = 'object'),
        CONSTRAINT ck_audit_log_details CHECK (details IS NULL OR jsonb_typeof(details) = 'object')
      )`);
    await q.query(`CREATE INDEX ix_audit_log_at ON audit_log (at DESC, id DESC)`);
    await q.query(`
      CREATE INDEX ix_audit_log_actor ON audit_log (lower(actor_username), at DESC, id DESC)
      WHERE actor_username IS NOT NULL`);
    await q.query(`CREATE INDEX ix_audit_log_action ON audit_log (action, at DESC, id DESC)`);
    // fastupdate off: with it on, a queue page's INSERT now and then merged GIN's whole pending
    // list (4 MB) itself and took 1.0–1.6 s; off, each row adds its codes at once (docs/performance.md).
    await q.query(
      `CREATE INDEX ix_audit_log_ticket_codes ON audit_log USING gin (ticket_codes) WITH (fastupdate = off)`,
    );
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER tr_audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`
      CREATE TRIGGER tr_audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
    // ALWAYS: they fire under session_replication_role = replica too, which a superuser could otherwise set to skip them.
    await q.query(`ALTER TABLE audit_log ENABLE ALWAYS TRIGGER tr_audit_log_append_only`);
    await q.query(`ALTER TABLE audit_log ENABLE ALWAYS TRIGGER tr_audit_log_no_truncate`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_log`);
    await q.query(`DROP FUNCTION IF EXISTS audit_log_append_only()`);
  }
}
