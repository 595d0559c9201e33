import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, rateLimitClientKey } from '@phananh/core';
import { FixedWindowLimiter, RedisClient } from '@phananh/redis';

/** How long a login waits for Redis before counting is given up. */
const LIMITER_TIMEOUT_MS = 2_000;
const WINDOW_MS = 60_000;

/**
 * Login attempts per username and per client address (RATE_LIMIT_LOGINS_PER_MINUTE each; an
 * IPv6 address counted by its /64, see rateLimitClientKey),
 * counted under `<REDIS_PREFIX>:rl:login:…`. When Redis is down or slow it fails open, like
 * the intake limits: officials must keep working through a Redis outage, and argon2's cost
 * still slows a guesser down.
 */
@Injectable()
export class LoginLimiter {
  private readonly limiter: FixedWindowLimiter;

  constructor(
    client: RedisClient,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.limiter = new FixedWindowLimiter(client.redis, config.REDIS_PREFIX, LIMITER_TIMEOUT_MS);
  }

  /** Counts one attempt; returns the seconds to wait when either limit is exceeded, else null. */
  async attempt(username: string, clientAddress: string): Promise<number | null> {
    const limit = this.config.RATE_LIMIT_LOGINS_PER_MINUTE;
    const windows = await Promise.all([
      this.limiter.hit(`rl:login:user:${username.toLowerCase()}`, { windowMs: WINDOW_MS }),
      this.limiter.hit(`rl:login:addr:${rateLimitClientKey(clientAddress)}`, { windowMs: WINDOW_MS }),
    ]);
    const over = windows.flatMap((w) => (w && w.count > limit ? [w.resetMs] : []));
    if (!over.length) return null;
    return Math.max(1, Math.ceil(Math.max(...over) / 1000));
  }
}
