import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in security (issue 14):
 * - the second factor on `users`: the TOTP key (AES-GCM, PiiCrypto), a key being enrolled
 *   (not yet confirmed with a first code), and the last accepted time step, so that a code is
 *   accepted once (`UPDATE … WHERE totp_last_step < $step` is the replay check, atomic);
 * - `user_recovery_codes`: ten one-time codes per official, SHA-256 of 80 random bits each;
 * - `auth_sessions`: one row per sign-in, holding the SHA-256 of its current refresh token
 *   (any other token presented for the session is an old one replayed: the session ends),
 *   stamped with the account's `session_epoch`: a session of an older epoch is over.
 */
export class SignInSecurity1765010000000 implements MigrationInterface {
  name = 'SignInSecurity1765010000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users
        ADD COLUMN totp_secret bytea,
        ADD COLUMN totp_pending_secret bytea,
        ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0,
        ADD COLUMN password_changed_at timestamptz`);
    await q.query(`
      CREATE TABLE user_recovery_codes (
        user_id uuid NOT NULL,
        code_hash bytea NOT NULL,
        used_at timestamptz,
        CONSTRAINT pk_user_recovery_codes PRIMARY KEY (user_id, code_hash),
        CONSTRAINT fk_user_recovery_codes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE auth_sessions (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        epoch integer NOT NULL,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text,
        user_agent text,
        CONSTRAINT pk_auth_sessions PRIMARY KEY (id),
        CONSTRAINT fk_auth_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT ck_auth_sessions_user_agent CHECK (length(user_agent) <= 200)
      )`);
    // "My sessions", "end every session but this one", and the pruning of an official's ended
    // sessions at each sign-in (so the table holds about one row per official and device).
    await q.query(`CREATE INDEX ix_auth_sessions_user ON auth_sessions (user_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth_sessions`);
    await q.query(`DROP TABLE user_recovery_codes`);
    await q.query(`
      ALTER TABLE users
        DROP COLUMN password_changed_at,
        DROP COLUMN totp_last_step,
        DROP COLUMN totp_pending_secret,
        DROP COLUMN totp_secret`);
  }
}
