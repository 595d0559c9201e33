import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { generateSecret, generateURI, verifySync } from 'otplib';
import * as QRCode from 'qrcode';
import { DataSource } from 'typeorm';
import { AppError, Clock, PiiCrypto } from '@phananh/core';
import { IdentityErrors } from './identity.errors';
import { normalizeRecoveryCode, recoveryCode } from './passwords';

/** What an authenticator app needs: the otpauth:// URI as a QR code, and the key as text to type in. */
export interface Enrolment {
  /** Base32, as authenticator apps take it typed in. */
  secret: string;
  otpauthUri: string;
  /** The URI as a PNG QR code (`data:image/png;base64,…`). */
  qrCode: string;
}

export const RECOVERY_CODE_COUNT = 10;
const ISSUER = 'Phản ánh tiêm chủng';
/**
 * A code of the previous 30-second step is still taken (a phone a little behind, a code typed
 * as it changed); none from the future beyond one step.
 */
const TOLERANCE_SECONDS: [number, number] = [30, 30];

/** A high-entropy random code needs no slow hash: SHA-256 of 80 random bits is out of brute-force reach. */
const codeHash = (code: string) => createHash('sha256').update(normalizeRecoveryCode(code)).digest();

/**
 * The second factor: TOTP (RFC 6238, 6 digits, 30 s, SHA-1, as every authenticator app does)
 * with otplib, on the service clock. The key is stored encrypted (PiiCrypto); a code is taken
 * once: the last accepted time step is kept, and the UPDATE that moves it forward is the
 * replay check (two requests with one code: one wins). Ten recovery codes, each good once.
 */
@Injectable()
export class TwoFactorService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly pii: PiiCrypto,
  ) {}

  private epoch(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  /** A new key, pending until confirmed by a first code (a factor already enrolled keeps working until then). */
  async start(user: { id: string; username: string }): Promise<Enrolment> {
    const secret = generateSecret();
    await this.db.query(`UPDATE users SET totp_pending_secret = $2 WHERE id = $1`, [user.id, this.pii.encrypt(secret)]);
    const otpauthUri = generateURI({ issuer: ISSUER, label: user.username, secret });
    return { secret, otpauthUri, qrCode: await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2 }) };
  }

  /**
   * The first code of the pending key: the key becomes the factor, and ten new recovery codes
   * (returned once, in clear; only their hashes are kept) replace any earlier ones.
   */
  async confirm(userId: string, code: string): Promise<string[]> {
    const [row] = await this.db.query(`SELECT totp_pending_secret AS pending FROM users WHERE id = $1`, [userId]);
    if (!row?.pending) throw new AppError(IdentityErrors.TWO_FACTOR_NOT_STARTED);
    const step = this.check(this.pii.decrypt(row.pending), code, 0);
    if (step === null) throw new AppError(IdentityErrors.CODE_INVALID);
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, recoveryCode);
    await this.db.transaction(async (m) => {
      const [, count] = await m.query(
        `UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_enrolled_at = $2,
                totp_last_step = $3
         WHERE id = $1 AND totp_pending_secret = $4`,
        [userId, this.clock.now(), step, row.pending],
      );
      // Another confirmation (or a new start) got there first.
      if (count !== 1) throw new AppError(IdentityErrors.TWO_FACTOR_NOT_STARTED);
      await m.query(`DELETE FROM user_recovery_codes WHERE user_id = $1`, [userId]);
      await m.query(`INSERT INTO user_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])`, [
        userId,
        codes.map(codeHash),
      ]);
    });
    return codes;
  }

  /** A code of the enrolled factor, taken once: false when wrong, too old, or already used. */
  async verify(userId: string, code: string): Promise<boolean> {
    const [row] = await this.db.query(
      `SELECT totp_secret AS secret, totp_last_step AS "lastStep" FROM users WHERE id = $1`,
      [userId],
    );
    if (!row?.secret) return false;
    const step = this.check(this.pii.decrypt(row.secret), code, Number(row.lastStep));
    if (step === null) return false;
    const [, count] = await this.db.query(
      `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2 AND totp_secret IS NOT NULL`,
      [userId, step],
    );
    return count === 1;
  }

  /** A recovery code, good once. */
  async useRecoveryCode(userId: string, code: string): Promise<boolean> {
    const [, count] = await this.db.query(
      `UPDATE user_recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
      [userId, codeHash(code), this.clock.now()],
    );
    return count === 1;
  }

  async recoveryCodesLeft(userId: string): Promise<number> {
    const [{ n }] = await this.db.query(
      `SELECT count(*)::int AS n FROM user_recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    );
    return n;
  }

  /** Removes the factor (own removal, or an admin's reset): key, pending key and recovery codes. */
  async remove(userId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(
        `UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_enrolled_at = NULL, totp_last_step = 0
         WHERE id = $1`,
        [userId],
      );
      await m.query(`DELETE FROM user_recovery_codes WHERE user_id = $1`, [userId]);
    });
  }

  /** The time step of a right code later than `afterStep`, or null. */
  private check(secret: string, code: string, afterStep: number): number | null {
    if (!/^\d{6}$/.test(code)) return null;
    const result = verifySync({
      secret,
      token: code,
      epoch: this.epoch(),
      epochTolerance: TOLERANCE_SECONDS,
      ...(afterStep > 0 ? { afterTimeStep: afterStep } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }
}
