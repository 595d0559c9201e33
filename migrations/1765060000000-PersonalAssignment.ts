import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Personal assignment (issue 16):
 * - `tickets.assignee_id`: the official of the ticket's unit who has it (null: the unit's, unassigned);
 * - `ticket_events.from_assignee_id` / `to_assignee_id`: every (re)assignment is an
 *   ASSIGNEE_CHANGED entry naming both (ids; the view shows their usernames);
 * - `unit_distribution`: a unit whose arriving tickets are handed round robin to its active
 *   officers; `next_seq` is the rotation's counter, bumped under the row's lock by the
 *   statement that assigns, so any number of API processes share one rotation;
 * - the queue's "mine" (ix_tickets_open_assignee_due, also how a disabled official's open
 *   tickets are found) and a unit's "unassigned" (ix_tickets_open_unassigned_unit_due), both
 *   in (due_at, id) order like the other queue indexes.
 * Adding nullable columns without a default rewrites nothing; the indexes are built plainly
 * (not CONCURRENTLY: migrations run in a transaction), quick on a fresh column that is all null.
 */
export class PersonalAssignment1765060000000 implements MigrationInterface {
  name = 'PersonalAssignment1765060000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tickets ADD COLUMN assignee_id uuid,
        ADD CONSTRAINT fk_tickets_assignee FOREIGN KEY (assignee_id) REFERENCES users(id) ON DELETE SET NULL`);
    await q.query(`ALTER TABLE ticket_events ADD COLUMN from_assignee_id uuid, ADD COLUMN to_assignee_id uuid`);
    await q.query(`
      CREATE INDEX ix_tickets_open_assignee_due ON tickets (assignee_id, due_at, id)
      WHERE status IN ('ASSIGNED', 'IN_PROGRESS', 'DEFERRED') AND assignee_id IS NOT NULL`);
    await q.query(`
      CREATE INDEX ix_tickets_open_unassigned_unit_due ON tickets (unit_code, due_at, id)
      WHERE status IN ('ASSIGNED', 'IN_PROGRESS', 'DEFERRED') AND assignee_id IS NULL`);
    // An assignee's tickets are all in one unit (hence one district and province): without this
    // the planner multiplies the selectivities as if independent, thinks "mine" within the reach
    // matches a handful of rows, and picks a bitmap AND with a sort over the ordered index walk.
    await q.query(`
      CREATE STATISTICS st_tickets_assignee_scope (dependencies)
      ON assignee_id, unit_code, district_code, province_code FROM tickets`);
    await q.query(`
      CREATE TABLE unit_distribution (
        unit_code varchar(5) NOT NULL,
        enabled boolean NOT NULL,
        next_seq bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL,
        updated_by uuid,
        CONSTRAINT pk_unit_distribution PRIMARY KEY (unit_code),
        CONSTRAINT fk_unit_distribution_unit FOREIGN KEY (unit_code) REFERENCES units(code),
        CONSTRAINT fk_unit_distribution_updated_by FOREIGN KEY (updated_by) REFERENCES users(id) ON DELETE SET NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unit_distribution`);
    await q.query(`DROP STATISTICS st_tickets_assignee_scope`);
    await q.query(`DROP INDEX ix_tickets_open_unassigned_unit_due`);
    await q.query(`DROP INDEX ix_tickets_open_assignee_due`);
    await q.query(`ALTER TABLE ticket_events DROP COLUMN to_assignee_id, DROP COLUMN from_assignee_id`);
    await q.query(`ALTER TABLE tickets DROP COLUMN assignee_id`);
  }
}
