import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, AppError, Clock } from '@phananh/core';
import { IdentityErrors } from './identity.errors';

/** A sign-in session as its owner sees it. */
export interface SessionInfo {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
}

export interface StartedSession {
  id: string;
  /** `<session id>.<secret>`: given to the client once; only the secret's SHA-256 is kept. */
  refreshToken: string;
  expiresAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const hash = (secret: string) => createHash('sha256').update(secret).digest();
const newSecret = () => randomBytes(32).toString('base64url');
/** Ended sessions are kept this long for their owner's list, then pruned at a later sign-in. */
const KEEP_ENDED_MS = 30 * 24 * 3600_000;

/**
 * Sign-in sessions in PostgreSQL (auth_sessions): a refresh token per session, rotated on every
 * use; presenting any token of the session but the current one (an old one, replayed by whoever
 * copied it) ends the session. A session belongs to the account's epoch at its start: bumping
 * `users.session_epoch` ends them all. Lifetime SESSION_TTL_HOURS from the sign-in (a shift),
 * on the service clock.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** Seconds (real) a session lives. */
  get ttlSeconds(): number {
    return this.config.SESSION_TTL_HOURS * 3600;
  }

  async start(userId: string, epoch: number, userAgent: string | null): Promise<StartedSession> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.ttlSeconds * 1000 * this.clock.speed);
    const secret = newSecret();
    await this.db.query(`DELETE FROM auth_sessions WHERE user_id = $1 AND (expires_at < $2 OR revoked_at < $3)`, [
      userId,
      now,
      new Date(now.getTime() - KEEP_ENDED_MS),
    ]);
    const [row] = await this.db.query(
      `INSERT INTO auth_sessions (user_id, epoch, token_hash, created_at, last_used_at, expires_at, user_agent)
       VALUES ($1, $2, $3, $4, $4, $5, $6) RETURNING id`,
      [userId, epoch, hash(secret), now, expiresAt, userAgent ? userAgent.slice(0, 200) : null],
    );
    return { id: row.id, refreshToken: `${row.id}.${secret}`, expiresAt };
  }

  /**
   * Exchanges a refresh token for the next one. A live session whose current token this is moves
   * on to a new token; a token of a live session that is not its current one is a replay of an old
   * token: the session ends (whoever holds the current token must sign in again too, since we
   * cannot tell the thief from the owner). Anything else: REFRESH_INVALID.
   */
  async rotate(
    refreshToken: string,
  ): Promise<{ sessionId: string; userId: string; refreshToken: string; expiresAt: Date }> {
    const dot = refreshToken.indexOf('.');
    const id = refreshToken.slice(0, dot);
    const secret = refreshToken.slice(dot + 1);
    if (dot < 0 || !UUID.test(id) || !secret) throw new AppError(IdentityErrors.REFRESH_INVALID);
    const now = this.clock.now();
    const next = newSecret();
    const [rows] = await this.db.query(
      `UPDATE auth_sessions s SET token_hash = $3, last_used_at = $4
       FROM users u
       WHERE s.id = $1 AND s.token_hash = $2 AND s.revoked_at IS NULL AND s.expires_at > $4
         AND u.id = s.user_id AND u.session_epoch = s.epoch AND u.disabled_at IS NULL
       RETURNING s.user_id AS "userId", s.expires_at AS "expiresAt"`,
      [id, hash(secret), hash(next), now],
    );
    if (rows.length)
      return { sessionId: id, userId: rows[0].userId, refreshToken: `${id}.${next}`, expiresAt: rows[0].expiresAt };
    const [reused] = await this.db.query(
      `UPDATE auth_sessions SET revoked_at = $3, revoked_reason = 'REFRESH_TOKEN_REUSED'
       WHERE id = $1 AND token_hash <> $2 AND revoked_at IS NULL
       RETURNING user_id AS "userId"`,
      [id, hash(secret), now],
    );
    if (reused.length) {
      this.logger.warn({ sessionId: id, userId: reused[0].userId }, 'old refresh token replayed: session ended');
    }
    throw new AppError(IdentityErrors.REFRESH_INVALID);
  }

  /** Ends one session of the official; false when it is not theirs or already over. */
  async end(userId: string, sessionId: string, reason: string): Promise<boolean> {
    if (!UUID.test(sessionId)) return false;
    const [, count] = await this.db.query(
      `UPDATE auth_sessions SET revoked_at = $3, revoked_reason = $4
       WHERE id = $2 AND user_id = $1 AND revoked_at IS NULL`,
      [userId, sessionId, this.clock.now(), reason],
    );
    return count > 0;
  }

  /**
   * Marks every session of the official ended except `keep`, which moves to `epoch` (the
   * password change that bumped the epoch goes on in the session it was made from).
   */
  async endOthers(userId: string, keep: string | null, epoch: number, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE auth_sessions SET revoked_at = $3, revoked_reason = $4
       WHERE user_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2`,
      [userId, keep, this.clock.now(), reason],
    );
    if (keep)
      await this.db.query(`UPDATE auth_sessions SET epoch = $3 WHERE id = $2 AND user_id = $1`, [userId, keep, epoch]);
  }

  /** The official's live sessions, newest first. */
  async list(userId: string): Promise<SessionInfo[]> {
    return this.db.query(
      `SELECT s.id, s.created_at AS "createdAt", s.last_used_at AS "lastUsedAt", s.expires_at AS "expiresAt",
              s.user_agent AS "userAgent"
       FROM auth_sessions s JOIN users u ON u.id = s.user_id
       WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.epoch = u.session_epoch AND s.expires_at > $2
       ORDER BY s.created_at DESC
       LIMIT 100`,
      [userId, this.clock.now()],
    );
  }

  /** A new refresh token for a live session of the official (the old one is spent, as at a refresh). */
  async reissue(userId: string, sessionId: string): Promise<{ refreshToken: string; expiresAt: Date }> {
    const next = newSecret();
    const [rows] = await this.db.query(
      `UPDATE auth_sessions SET token_hash = $3, last_used_at = $4
       WHERE id = $2 AND user_id = $1 AND revoked_at IS NULL RETURNING expires_at AS "expiresAt"`,
      [userId, sessionId, hash(next), this.clock.now()],
    );
    if (!rows.length) throw new AppError(IdentityErrors.REFRESH_INVALID);
    return { refreshToken: `${sessionId}.${next}`, expiresAt: rows[0].expiresAt };
  }
}
