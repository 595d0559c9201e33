import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reply templates: the resolution and rejection notes a unit's supervisors keep, in Vietnamese
 * and (optionally) English, offered to the officials of the unit and of the units below it on
 * the ticket page and in bulk actions. A rejection template may go with one standard reason.
 * Read by unit (ix_reply_templates_unit: the lineage of a unit is a handful of codes).
 */
export class ReplyTemplates1765050000000 implements MigrationInterface {
  name = 'ReplyTemplates1765050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reply_templates (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        unit_code character varying(5) NOT NULL,
        kind text NOT NULL,
        reason_code text,
        title text NOT NULL,
        text_vi text NOT NULL,
        text_en text,
        created_by uuid,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT pk_reply_templates PRIMARY KEY (id),
        CONSTRAINT fk_reply_templates_unit FOREIGN KEY (unit_code) REFERENCES units(code),
        CONSTRAINT fk_reply_templates_created_by FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE SET NULL,
        CONSTRAINT ck_reply_templates_kind CHECK (kind IN ('RESOLUTION', 'REJECTION')),
        CONSTRAINT ck_reply_templates_reason CHECK (kind = 'REJECTION' OR reason_code IS NULL)
      )`);
    await q.query(`CREATE INDEX ix_reply_templates_unit ON reply_templates (unit_code, kind)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reply_templates`);
  }
}
