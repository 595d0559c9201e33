import { MigrationInterface, QueryRunner } from 'typeorm';

const OPEN = `('ASSIGNED', 'IN_PROGRESS', 'DEFERRED')`;
const STATUSES = `('ASSIGNED', 'IN_PROGRESS', 'DEFERRED', 'RESOLVED', 'REJECTED')`;

/**
 * A filing is the duplicate of an open report only when the phone matches too (its blind
 * index, phone_hash): knowing a leaked identity number no longer hands out someone's report.
 * A filing whose phone differs is a report of its own, linked to the earlier one
 * (duplicate_of) for officials to compare and merge (merged_into, status MERGED). A citizen
 * can withdraw an open report (status WITHDRAWN). Rows filed before this migration have no
 * phone_hash (it needs the key, not SQL): they never match as duplicates, so a later filing
 * of the same citizen becomes a linked report instead of a 200.
 */
export class DuplicatesAndWithdrawal1764400000000 implements MigrationInterface {
  name = 'DuplicatesAndWithdrawal1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tickets
        ADD COLUMN phone_hash bytea,
        ADD COLUMN duplicate_of bigint,
        ADD COLUMN merged_into bigint,
        ADD CONSTRAINT fk_tickets_duplicate_of FOREIGN KEY (duplicate_of) REFERENCES tickets (id),
        ADD CONSTRAINT fk_tickets_merged_into FOREIGN KEY (merged_into) REFERENCES tickets (id),
        DROP CONSTRAINT ck_tickets_status,
        ADD CONSTRAINT ck_tickets_status
          CHECK (status IN ('ASSIGNED', 'IN_PROGRESS', 'DEFERRED', 'RESOLVED', 'REJECTED', 'MERGED', 'WITHDRAWN')),
        ADD CONSTRAINT ck_tickets_merged CHECK ((status = 'MERGED') = (merged_into IS NOT NULL))`);
    await q.query(`DROP INDEX ux_tickets_open_duplicate`);
    await q.query(`
      CREATE UNIQUE INDEX ux_tickets_open_duplicate
      ON tickets (citizen_id_hash, issue_type, coalesce(dose_number, 0), phone_hash) WHERE status IN ${OPEN}`);
    await q.query(`CREATE INDEX ix_tickets_duplicate_of ON tickets (duplicate_of) WHERE duplicate_of IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_tickets_duplicate_of`);
    await q.query(`DROP INDEX ux_tickets_open_duplicate`);
    await q.query(`
      CREATE UNIQUE INDEX ux_tickets_open_duplicate ON tickets (citizen_id_hash, issue_type, coalesce(dose_number, 0))
      WHERE status IN ${OPEN}`);
    await q.query(`
      ALTER TABLE tickets
        DROP CONSTRAINT ck_tickets_merged,
        DROP CONSTRAINT ck_tickets_status,
        ADD CONSTRAINT ck_tickets_status CHECK (status IN ${STATUSES}),
        DROP CONSTRAINT fk_tickets_merged_into,
        DROP CONSTRAINT fk_tickets_duplicate_of,
        DROP COLUMN merged_into,
        DROP COLUMN duplicate_of,
        DROP COLUMN phone_hash`);
  }
}
