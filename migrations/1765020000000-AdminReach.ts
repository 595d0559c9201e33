import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Provincial admins (issue 14): an admin whose unit is a province administers that province only.
 * - `webhooks.scope_unit_code`: the unit whose events a webhook receives (its subtree); null for a
 *   national admin's webhook (every event). Set from the registering admin's unit.
 * - `ix_users_unit_username`: the officials of a unit's subtree by username (the admin console's list).
 * - `ix_audit_log_subject`, `ix_audit_log_actor_unit`: a provincial admin's audit log is the rows of
 *   its province's actors and of its province's officials acted on, newest first.
 */
export class AdminReach1765020000000 implements MigrationInterface {
  name = 'AdminReach1765020000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE webhooks ADD COLUMN scope_unit_code varchar(5),
        ADD CONSTRAINT fk_webhooks_scope_unit FOREIGN KEY (scope_unit_code) REFERENCES units(code)`);
    await q.query(`CREATE INDEX ix_webhooks_scope_unit ON webhooks (scope_unit_code)`);
    await q.query(`CREATE INDEX ix_users_unit_username ON users (unit_code, lower(username))`);
    await q.query(`
      CREATE INDEX ix_audit_log_subject ON audit_log (subject_user_id, at DESC, id DESC)
      WHERE subject_user_id IS NOT NULL`);
    await q.query(`
      CREATE INDEX ix_audit_log_actor_unit ON audit_log (actor_unit_code, at DESC, id DESC)
      WHERE actor_unit_code IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_audit_log_actor_unit`);
    await q.query(`DROP INDEX IF EXISTS ix_audit_log_subject`);
    await q.query(`DROP INDEX IF EXISTS ix_users_unit_username`);
    await q.query(`DROP INDEX IF EXISTS ix_webhooks_scope_unit`);
    await q.query(`ALTER TABLE webhooks DROP COLUMN scope_unit_code`);
  }
}
