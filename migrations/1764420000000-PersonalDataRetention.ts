import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An end for personal data, and the notice the citizen accepted.
 *
 * - The personal columns of a ticket become nullable, because the retention job
 *   (PiiRetention) erases them RETENTION_DAYS after the campaign's cutoff (outside a
 *   campaign: after closing) and sets `pii_erased_at`. ck_tickets_pii_present keeps the old
 *   NOT NULL for every ticket that is not erased. An erased ticket's NULL `citizen_id_hash`
 *   never collides in ux_tickets_open_duplicate (NULLs are distinct), and erased tickets are
 *   closed anyway.
 * - ix_tickets_pii_retention holds only the closed tickets not yet erased, by campaign and
 *   closing instant: the job's two claims (a campaign whose cutoff is far enough behind;
 *   outside a campaign, closed long enough ago) are each an index range scan that stops at
 *   the batch's size, and an erased ticket leaves the index.
 * - Attachments of an erased ticket keep their type, size and date; their hash is erased
 *   with the ticket (`erased_at` set) and their storage key is kept until the file is gone
 *   from the store, then set NULL. ix_attachments_files_to_remove lists the files still to
 *   remove, so a failed removal is finished by the next run.
 * - `notice_version`: the privacy notice the citizen accepted when filing. Rows filed before
 *   the form showed a notice get 'none'; the default is dropped after, so every new ticket
 *   must say which notice it was filed under.
 *
 * `down` restores the NOT NULL columns, so it fails once any ticket has been erased: the
 * erased values cannot come back.
 */
export class PersonalDataRetention1764420000000 implements MigrationInterface {
  name = 'PersonalDataRetention1764420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tickets
        ALTER COLUMN citizen_name DROP NOT NULL,
        ALTER COLUMN citizen_dob DROP NOT NULL,
        ALTER COLUMN citizen_id_enc DROP NOT NULL,
        ALTER COLUMN citizen_id_hash DROP NOT NULL,
        ADD COLUMN pii_erased_at timestamptz,
        ADD COLUMN notice_version text NOT NULL DEFAULT 'none',
        ADD CONSTRAINT ck_tickets_pii_present CHECK (
          pii_erased_at IS NOT NULL
          OR (citizen_name IS NOT NULL AND citizen_dob IS NOT NULL
              AND citizen_id_enc IS NOT NULL AND citizen_id_hash IS NOT NULL))`);
    await q.query(`ALTER TABLE tickets ALTER COLUMN notice_version DROP DEFAULT`);
    await q.query(`
      CREATE INDEX ix_tickets_pii_retention ON tickets (campaign_code, closed_at)
      WHERE pii_erased_at IS NULL AND closed_at IS NOT NULL`);
    await q.query(`
      ALTER TABLE attachments
        ALTER COLUMN sha256 DROP NOT NULL,
        ALTER COLUMN storage_key DROP NOT NULL,
        ADD COLUMN erased_at timestamptz,
        ADD CONSTRAINT ck_attachments_erased CHECK (erased_at IS NOT NULL OR (sha256 IS NOT NULL AND storage_key IS NOT NULL))`);
    await q.query(`
      CREATE INDEX ix_attachments_files_to_remove ON attachments (id)
      WHERE erased_at IS NOT NULL AND storage_key IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_attachments_files_to_remove`);
    await q.query(`
      ALTER TABLE attachments
        DROP CONSTRAINT ck_attachments_erased,
        DROP COLUMN erased_at,
        ALTER COLUMN storage_key SET NOT NULL,
        ALTER COLUMN sha256 SET NOT NULL`);
    await q.query(`DROP INDEX ix_tickets_pii_retention`);
    await q.query(`
      ALTER TABLE tickets
        DROP CONSTRAINT ck_tickets_pii_present,
        DROP COLUMN notice_version,
        DROP COLUMN pii_erased_at,
        ALTER COLUMN citizen_id_hash SET NOT NULL,
        ALTER COLUMN citizen_id_enc SET NOT NULL,
        ALTER COLUMN citizen_dob SET NOT NULL,
        ALTER COLUMN citizen_name SET NOT NULL`);
  }
}
