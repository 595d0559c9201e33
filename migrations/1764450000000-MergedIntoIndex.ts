import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reports merged into a ticket (merged_into = its id): the kept ticket's view lists their
 * proof files, and serves them, without scanning every ticket. Partial, so it holds only
 * merged reports (few).
 */
export class MergedIntoIndex1764450000000 implements MigrationInterface {
  name = 'MergedIntoIndex1764450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_tickets_merged_into ON tickets (merged_into) WHERE merged_into IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_tickets_merged_into`);
  }
}
