import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig, AppError, Clock } from '@phananh/core';
import { AuditAction, AuditActor, AuditLog } from '@phananh/audit';
import { FixedWindowLimiter, RedisClient } from '@phananh/redis';
import { Open311Errors } from './open311.errors';

/** An issued key as admins see it: never the key itself, nor its hash. */
export interface Open311Key {
  id: string;
  name: string;
  /** The key's first characters, so that an admin can tell keys apart. */
  keyPrefix: string;
  requestsPerMinute: number;
  createdAt: Date;
  revokedAt: Date | null;
}

/** What issuing answers: the key in clear, this once. */
export interface IssuedKey extends Open311Key {
  key: string;
}

const KEY_PREFIX = 'o311_';
const SHOWN_CHARS = KEY_PREFIX.length + 6;
const MINUTE_MS = 60_000;
const COLUMNS = `id, name, key_prefix AS "keyPrefix", requests_per_minute AS "requestsPerMinute",
  created_at AS "createdAt", revoked_at AS "revokedAt"`;

/**
 * A key is 256 random bits, so a plain SHA-256 is enough to keep it (nothing to guess, unlike a
 * password); the hash is looked up by a unique index. A revoked key is refused exactly like an
 * unknown one.
 */
const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest();

export interface AuditContext {
  actor: AuditActor;
  clientAddress: string | null;
}

/** Open311 api keys: issued and revoked by admins (audited), checked and rate-limited on each POST. */
@Injectable()
export class Open311KeysService {
  private readonly limiter: FixedWindowLimiter;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly audit: AuditLog,
    redis: RedisClient,
    @Inject(AppConfig) config: AppConfig,
  ) {
    this.limiter = new FixedWindowLimiter(redis.redis, config.REDIS_PREFIX);
  }

  async issue(input: { name: string; requestsPerMinute: number }, by: AuditContext): Promise<IssuedKey> {
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    return this.db.transaction(async (tx) => {
      const [row]: Open311Key[] = await tx.query(
        `INSERT INTO open311_api_keys (name, key_hash, key_prefix, requests_per_minute, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [input.name, hashKey(key), key.slice(0, SHOWN_CHARS), input.requestsPerMinute, by.actor.id, this.clock.now()],
      );
      await this.audit.record(
        {
          action: AuditAction.Open311KeyIssued,
          actor: by.actor,
          details: { keyId: row.id, name: row.name, requestsPerMinute: row.requestsPerMinute },
          clientAddress: by.clientAddress,
        },
        tx,
      );
      return { ...row, key };
    });
  }

  /** Every key, newest first (keys are few: issued by hand to partner systems). */
  list(): Promise<Open311Key[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM open311_api_keys ORDER BY created_at DESC, id DESC`);
  }

  async revoke(id: string, by: AuditContext): Promise<Open311Key> {
    return this.db.transaction(async (tx) => {
      const [rows]: [Open311Key[], number] = await tx.query(
        `UPDATE open311_api_keys SET revoked_at = $2, revoked_by = $3
         WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
        [id, this.clock.now(), by.actor.id],
      );
      const row = rows[0];
      if (!row) {
        const [exists] = await tx.query(`SELECT 1 FROM open311_api_keys WHERE id = $1`, [id]);
        throw new AppError(exists ? Open311Errors.OPEN311_KEY_REVOKED : Open311Errors.OPEN311_KEY_NOT_FOUND);
      }
      await this.audit.record(
        {
          action: AuditAction.Open311KeyRevoked,
          actor: by.actor,
          details: { keyId: row.id, name: row.name },
          clientAddress: by.clientAddress,
        },
        tx,
      );
      return row;
    });
  }

  /**
   * The live key this string is, counted against its own per-minute limit; 403 for an
   * unknown or revoked key, 429 (with Retry-After) past its limit. Like every limit here, it
   * lets the request through when Redis cannot count.
   */
  async authenticate(key: unknown): Promise<Open311Key> {
    if (typeof key !== 'string' || !key.startsWith(KEY_PREFIX) || key.length > 200) {
      throw new AppError(Open311Errors.OPEN311_API_KEY_INVALID);
    }
    const [row]: Open311Key[] = await this.db.query(
      `SELECT ${COLUMNS} FROM open311_api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [hashKey(key)],
    );
    if (!row) throw new AppError(Open311Errors.OPEN311_API_KEY_INVALID);
    const window = await this.limiter.hit(`open311:key:${row.id}`, { windowMs: MINUTE_MS });
    if (window && window.count > row.requestsPerMinute) {
      throw new AppError(Open311Errors.OPEN311_API_KEY_RATE_LIMITED, undefined, [], {
        'Retry-After': String(Math.max(1, Math.ceil(window.resetMs / 1000))),
      });
    }
    return row;
  }
}
