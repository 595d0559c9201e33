import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The masked identity and phone numbers, as every list shows them (`001******345`,
 * `+8491****678`), written at intake beside the encrypted values: a queue page then decrypts
 * nothing (it decrypted two values a ticket, ~1 ms of CPU a page). They hold no more than
 * the lists show. Nullable: rows written before this migration are masked from the
 * decrypted values when read.
 */
export class MaskedPii1764300000000 implements MigrationInterface {
  name = 'MaskedPii1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets ADD COLUMN citizen_id_masked text, ADD COLUMN phone_masked text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets DROP COLUMN phone_masked, DROP COLUMN citizen_id_masked`);
  }
}
