import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig, withTimeout } from '@phananh/core';
import { RedisClient } from '@phananh/queue';

export interface WindowCount {
  count: number;
  /** Real milliseconds until the window resets. */
  resetMs: number;
}

/**
 * Fixed-window counters in Redis, shared by every API process. The counter and its
 * expiry are set in one MULTI (PEXPIRE … NX), so a crash can never leave a counter
 * without expiry (which would lock an account out for good). Windows are real time,
 * not clock time: a replayed campaign must not turn a minute's limit into a second's.
 */
@Injectable()
export class FixedWindowLimiter {
  constructor(
    private readonly client: RedisClient,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const full = `${this.config.REDIS_PREFIX}:rl:${key}`;
    const replies = await this.client.redis.multi().incr(full).pexpire(full, windowMs, 'NX').pttl(full).exec();
    if (!replies) throw new Error('rate limiter transaction aborted');
    for (const [err] of replies) if (err) throw err;
    const count = Number(replies[0][1]);
    const pttl = Number(replies[2][1]);
    return { count, resetMs: pttl > 0 ? pttl : windowMs };
  }
}

/** How long a login waits for Redis before counting is given up. */
const LIMITER_TIMEOUT_MS = 2_000;

/**
 * Login attempts per username and per client address (RATE_LIMIT_LOGINS_PER_MINUTE each).
 * When Redis is down or slow it fails open, like the intake limits: officials must keep
 * working through a Redis outage, and argon2's cost still slows a guesser down.
 */
@Injectable()
export class LoginLimiter {
  private readonly logger = new Logger(LoginLimiter.name);

  constructor(
    private readonly limiter: FixedWindowLimiter,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** Counts one attempt; returns the seconds to wait when either limit is exceeded, else null. */
  async attempt(username: string, clientAddress: string): Promise<number | null> {
    const limit = this.config.RATE_LIMIT_LOGINS_PER_MINUTE;
    let counts: WindowCount[];
    try {
      counts = await withTimeout(
        Promise.all([
          this.limiter.hit(`login:user:${username.toLowerCase()}`, 60_000),
          this.limiter.hit(`login:addr:${clientAddress}`, 60_000),
        ]),
        LIMITER_TIMEOUT_MS,
        'rate limiter timed out',
      );
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'login limiter unavailable; attempt not counted');
      return null;
    }
    const [byUser, byAddress] = counts;
    const over = [byUser, byAddress].filter((w) => w.count > limit);
    if (!over.length) return null;
    return Math.max(1, Math.ceil(Math.max(...over.map((w) => w.resetMs)) / 1000));
  }
}
