import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { withTimeout } from '@phananh/core';

/**
 * One fixed window per key, counted and given its expiry in one atomic round trip (a crash
 * between INCR and PEXPIRE would leave a counter that never resets, locking a key out for
 * good). When the count first passes the limit and the block is longer than what is left of
 * the window, the window is stretched to the block.
 * KEYS[1] the counter; ARGV window ms, limit (0: none), block ms (0: none). Returns {count, ms left}.
 */
const HIT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if hits == tonumber(ARGV[2]) + 1 and tonumber(ARGV[3]) > ttl then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  ttl = tonumber(ARGV[3])
end
return {hits, ttl}`;

const COMMAND = 'phananhRateLimitHit';

interface WithHitCommand extends Redis {
  [COMMAND](key: string, windowMs: number, limit: number, blockMs: number): Promise<[number, number]>;
}

export interface WindowCount {
  count: number;
  /** Real milliseconds until the window resets. */
  resetMs: number;
}

export interface HitOptions {
  windowMs: number;
  /** With blockMs: the count past which the key is blocked for blockMs (if longer than the window's rest). */
  limit?: number;
  blockMs?: number;
}

/** How long a caller waits for Redis before the limiter gives up and lets it through. */
export const RATE_LIMIT_REDIS_TIMEOUT_MS = 1000;
const WARN_EVERY_MS = 10_000;

/**
 * Fixed-window counters in Redis, shared by every API process, under `<prefix>:<key>`.
 * Windows are real time, not clock time: a replayed campaign must not turn a minute's limit
 * into a second's. When Redis is down or slow it FAILS OPEN (hit answers null): a citizen's
 * report must never be refused or delayed, nor an official locked out, because the limiter
 * cannot count.
 */
export class FixedWindowLimiter {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: WithHitCommand;
  private lastWarning = -Infinity;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly timeoutMs = RATE_LIMIT_REDIS_TIMEOUT_MS,
  ) {
    if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as WithHitCommand;
  }

  /** Counts one hit on the key; null when Redis could not count it within the timeout. */
  async hit(key: string, options: HitOptions): Promise<WindowCount | null> {
    try {
      const [count, ttl] = await withTimeout(
        this.redis[COMMAND](`${this.prefix}:${key}`, options.windowMs, options.limit ?? 0, options.blockMs ?? 0),
        this.timeoutMs,
        `Redis did not answer within ${this.timeoutMs} ms`,
      );
      return { count: Number(count), resetMs: Number(ttl) > 0 ? Number(ttl) : options.windowMs };
    } catch (err) {
      this.warn(err);
      return null;
    }
  }

  private warn(err: unknown): void {
    const now = performance.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn({ err: (err as Error)?.message }, 'rate limiter unavailable, letting requests through');
  }
}
