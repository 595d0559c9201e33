import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The account state that sign-in and administration share (issue 14):
 * - `session_epoch`: every access token and refresh session is stamped with it; bumping it
 *   (password change, disable, role or unit change, "log out everywhere") ends them all at once;
 * - `password_change_required`: set at creation, import and admin reset; until the official
 *   chooses a password the account can do nothing else;
 * - `last_login_at`, `totp_enrolled_at`: shown and filtered on in the admin console.
 */
export class OfficialAccounts1765000000000 implements MigrationInterface {
  name = 'OfficialAccounts1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users
        ADD COLUMN session_epoch integer NOT NULL DEFAULT 0,
        ADD COLUMN password_change_required boolean NOT NULL DEFAULT false,
        ADD COLUMN last_login_at timestamptz,
        ADD COLUMN totp_enrolled_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users
        DROP COLUMN totp_enrolled_at,
        DROP COLUMN last_login_at,
        DROP COLUMN password_change_required,
        DROP COLUMN session_epoch`);
  }
}
