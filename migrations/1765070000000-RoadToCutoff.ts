import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The road to the cutoff (issue 16):
 * - `ix_tickets_campaign_road`: the burn-down, the on-time rate by day and the at-risk list
 *   read a campaign's tickets of one area in one pass. The key is the campaign then the
 *   area from the top (province, district, ward), so a province, a district or a ward is one
 *   contiguous range; the instants and the status ride along (INCLUDE) so the pass is an
 *   index-only scan that never visits the table.
 * - `supervisor_digests`: one row per supervisor and local day claims the morning digest,
 *   so that any number of workers send it once (the primary key, not timing, decides).
 */
export class RoadToCutoff1765070000000 implements MigrationInterface {
  name = 'RoadToCutoff1765070000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX ix_tickets_campaign_road ON tickets (campaign_code, province_code, district_code, unit_code)
        INCLUDE (received_at, closed_at, due_at, status)
        WHERE campaign_code IS NOT NULL`);
    await q.query(`
      CREATE TABLE supervisor_digests (
        user_id uuid NOT NULL,
        day date NOT NULL,
        created_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        claimed_until timestamptz,
        sent_at timestamptz,
        error text,
        CONSTRAINT pk_supervisor_digests PRIMARY KEY (user_id, day),
        CONSTRAINT fk_supervisor_digests_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX ix_supervisor_digests_unsent ON supervisor_digests (day) WHERE sent_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE supervisor_digests`);
    await q.query(`DROP INDEX ix_tickets_campaign_road`);
  }
}
